package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

// TestCorruptKey keeps overwriting one client's keys with values of another
// type, or strings the store did not write, while other clients burst
// through two store instances: their limits stay exact, the bad client's
// requests fail with ErrCorruptKey (never ErrUnavailable) or are decided,
// and no outage is logged. Once the writer stops, the bad client's next
// request starts a full bucket.
func TestCorruptKey(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	ctx := context.Background()
	// The writer rewrites keys behind the stores' backs, which a store's
	// refusal cache sees only once a refusal it holds runs out (see the
	// package doc): the cache is off here.
	stores, logs := twoStores(t, func() redis.UniversalClient { return newClient(t, srv.Addr(), true) }, 10*time.Second, WithRefusalCache(0))
	one := []ratelimit.Limit{{Events: 5, Period: time.Hour}}
	two := []ratelimit.Limit{{Events: 5, Period: time.Hour}, {Events: 50, Period: 24 * time.Hour}}
	badKeys := []string{stores[0].redisKey("bad", one), stores[0].redisKey("bad", two)}

	stop := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			for _, k := range badKeys {
				// Atomically, so that what is left is always corrupt.
				_, err := admin.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Del(ctx, k)
					switch i % 3 {
					case 0:
						p.LPush(ctx, k, "x")
					case 1:
						p.Set(ctx, k, "not a time", 0)
					case 2:
						p.HSet(ctx, k, "3600000000000:5", "garbage")
					}
					return nil
				})
				if err != nil {
					t.Errorf("corrupting %s: %v", k, err)
					return
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()

	var (
		wg                sync.WaitGroup
		corrupt, badError atomic.Int64
		mu                sync.Mutex
		allowed           = map[string]int{}
		failures          []string
	)
	for c := range 8 {
		for _, limits := range [][]ratelimit.Limit{one, two} {
			key := fmt.Sprintf("good-%d-%d", c, len(limits))
			for j := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := stores[j%2].Take(ctx, key, limits, 1)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						failures = append(failures, key+": "+err.Error())
					} else if d.Allowed {
						allowed[key]++
					}
				}()
			}
		}
	}
	for j := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			limits := [][]ratelimit.Limit{one, two}[j%2]
			_, err := stores[j%2].Take(ctx, "bad", limits, 1)
			switch {
			case errors.Is(err, ErrCorruptKey) && !errors.Is(err, ratelimit.ErrUnavailable):
				corrupt.Add(1)
			case err != nil:
				badError.Add(1)
				t.Errorf("bad client: %v; want a decision or ErrCorruptKey", err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-writerDone

	if len(failures) > 0 {
		t.Fatalf("other clients failed: %v", failures)
	}
	for key, n := range allowed {
		if n != 5 {
			t.Errorf("%s: %d of 10 allowed; want exactly 5", key, n)
		}
	}
	if len(allowed) != 16 {
		t.Errorf("%d clients had requests allowed; want 16: %v", len(allowed), allowed)
	}
	if corrupt.Load() == 0 {
		t.Error("no request of the bad client met its corrupt key")
	}
	for i := range logs {
		if n := len(logs[i].find("unavailable")); n != 0 {
			t.Errorf("store %d logged an outage:\n%s", i, logs[i])
		}
	}

	// One more corruption of each key (for one limit, a time far past any
	// the bucket could hold): the next request fails with
	// ErrCorruptKey (the script deletes the key), and the one after starts
	// a full bucket.
	admin.Set(ctx, badKeys[0], "17649999999999999999999", 0)
	admin.Del(ctx, badKeys[1])
	admin.LPush(ctx, badKeys[1], "x")
	for _, limits := range [][]ratelimit.Limit{one, two} {
		if _, err := stores[0].Take(ctx, "bad", limits, 1); !errors.Is(err, ErrCorruptKey) || errors.Is(err, ratelimit.ErrUnavailable) {
			t.Errorf("%d limits: first request on the corrupt key: %v; want ErrCorruptKey only", len(limits), err)
		}
		if d, err := stores[1].Take(ctx, "bad", limits, 1); err != nil || !d.Allowed || d.Remaining != 4 {
			t.Errorf("%d limits: the request after it: %+v, %v; want a full bucket less one", len(limits), d, err)
		}
	}
}
