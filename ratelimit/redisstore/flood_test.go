package redisstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

// floodRequests is the size of a flood, and maxScriptsPerRequest what
// the flood may cost Redis.
const (
	floodRequests        = 4000
	maxScriptsPerRequest = 0.05
)

// TestFlood: once a key is refused, a flood of 4,000 requests on it
// through two store instances (one limit, and several at once) is refused
// at a cost of at most 0.05 script calls a request, counted by Redis.
func TestFlood(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	floods(t, func() redis.UniversalClient { return newClient(t, srv.Addr(), true) },
		func(name string) string { return name }, func() int { return scriptCalls(t, admin) })
}

// floods runs flood through two stores with default settings, each with a
// client of its own, for one limit and for several at once, on keys that
// key returns (from a name), and checks that no outage is logged.
func floods(t *testing.T, client func() redis.UniversalClient, key func(string) string, calls func() int) {
	t.Helper()
	stores, logs := twoStores(t, client, DefaultTimeout)
	for _, limits := range [][]ratelimit.Limit{
		{{Events: 3, Period: time.Minute}},
		{{Events: 3, Period: time.Minute}, {Events: 100, Period: time.Hour}},
	} {
		t.Run(fmt.Sprintf("%d limits", len(limits)), func(t *testing.T) {
			flood(t, stores[:], key(t.Name()), limits, calls)
		})
	}
	for i := range logs {
		if u := logs[i].find("unavailable"); len(u) != 0 {
			t.Errorf("store %d logged an outage:\n%s", i, logs[i])
		}
	}
}

// flood spends key's limit through stores, then sends floodRequests
// refused requests, 32 at a time per store, and checks that each is
// refused, with a wait, and what they cost by calls().
func flood(t *testing.T, stores []*Store, key string, limits []ratelimit.Limit, calls func() int) {
	t.Helper()
	ctx := context.Background()
	for i := range limits[0].Events {
		if d, err := stores[i%len(stores)].Take(ctx, key, limits, 1); err != nil || !d.Allowed {
			t.Fatalf("request %d before the flood: %+v, %v", i, d, err)
		}
	}
	before := calls()
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		bad  atomic.Int64
	)
	for _, s := range stores {
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= floodRequests {
					d, err := s.Take(ctx, key, limits, 1)
					if err != nil || d.Allowed || d.RetryAfter <= 0 || d.Limit != limits[0] {
						if bad.Add(1) == 1 {
							t.Errorf("a request of the flood: %+v, %v; want a refusal by %v with a wait", d, err, limits[0])
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	n := calls() - before
	t.Logf("%d requests refused at the cost of %d script calls", floodRequests, n)
	if float64(n) > maxScriptsPerRequest*floodRequests {
		t.Errorf("the flood cost %d script calls (%.3f a request); want at most %v a request", n, float64(n)/floodRequests, maxScriptsPerRequest)
	}
}
