package ratelimit_test

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// TestMemoryStoreConcurrentExact has goroutines take from a few held keys
// on one fixed instant, so that no token ever comes back, while other
// goroutines flood the store with new keys that refill and are evicted
// (the tables grow, entries are dropped and shifted back), refund on keys
// of their own and peek. Every held key lets exactly its burst through,
// whichever path decided each request and wherever its entry was moved;
// the store never holds more than its cap.
func TestMemoryStoreConcurrentExact(t *testing.T) {
	t.Parallel()
	const (
		burst   = 400
		maxKeys = 512
		takers  = 6
		flood   = 1500 // new keys per flooder and round
	)
	slow := ratelimit.Limit{Events: burst, Period: 1000 * time.Hour} // no refill within the test
	one := []ratelimit.Limit{slow}
	two := []ratelimit.Limit{slow, {Events: 2 * burst, Period: 2000 * time.Hour}}
	// Held keys of every kind: inline (decided without the shard's lock),
	// longer than an entry holds, past MaxKeyLen (held as a digest), and
	// under two limits (both on the lock path).
	type held struct {
		key    string
		limits []ratelimit.Limit
	}
	hot := []held{
		{"ip:198.51.100.1", one}, {"ip:198.51.100.2", one}, {"ip:198.51.100.3", one},
		{"principal:" + strings.Repeat("p", 60), one},
		{"path:" + strings.Repeat("x", ratelimit.MaxKeyLen), one},
		{"ip:198.51.100.4", two},
	}
	for round := range 3 {
		var clock storetest.Clock // Take, Peek and Refund: always storetest.Epoch
		s := ratelimit.NewMemoryStore(ratelimit.MemoryClock(clock.Now), ratelimit.MemoryMaxKeys(maxKeys), ratelimit.MemoryShards(2))
		ctx := context.Background()
		allowed := make([]atomic.Int64, len(hot))
		// Each held key gets its first token before the flood, so that it is
		// held throughout: its bucket is not full, so it is never evicted.
		for i, h := range hot {
			if d, err := s.TakeAt(h.key, h.limits, 1, storetest.Epoch); err != nil || !d.Allowed {
				t.Fatalf("round %d: first take on %s: %+v, %v", round, h.key, d, err)
			}
			allowed[i].Add(1)
		}
		// Keys taken from and refunded to at once: each refund gives back
		// half of what its take took. They too are held before the flood
		// starts: a key first taken once the flood has filled its shard with
		// keys that have not refilled is never held (the overflow bucket
		// answers it), and the end of the test would find it full.
		net := make([]atomic.Int64, 2)
		refunded := make([]string, len(net))
		for r := range net {
			refunded[r] = "ip:203.0.113." + strconv.Itoa(r)
			if d, err := s.Take(ctx, refunded[r], one, 1); err != nil || !d.Allowed {
				t.Fatalf("round %d: first take on %s: %+v, %v", round, refunded[r], d, err)
			}
			net[r].Add(1)
		}
		var flooding atomic.Int32
		var wg sync.WaitGroup
		fail := make(chan string, 16)
		for f := range 2 {
			flooding.Add(1)
			wg.Go(func() {
				defer flooding.Add(-1)
				// Keys that refill a millisecond after their take, on instants
				// a millisecond apart: the store recycles them once full.
				brief := []ratelimit.Limit{{Events: 1, Period: time.Millisecond}}
				for i := range flood {
					at := storetest.Epoch.Add(time.Duration(i+1) * time.Millisecond)
					if _, err := s.TakeAt("flood:"+strconv.Itoa(f)+":"+strconv.Itoa(i), brief, 1, at); err != nil {
						fail <- err.Error()
						return
					}
					if i%64 == 0 {
						if n := s.Len(); n > maxKeys {
							fail <- "the store holds " + strconv.Itoa(n) + " keys, over its cap"
							return
						}
					}
				}
			})
		}
		for r := range net {
			key := refunded[r]
			wg.Go(func() {
				for flooding.Load() > 0 {
					d, err := s.Take(ctx, key, one, 2)
					if err != nil {
						fail <- err.Error()
						return
					}
					if !d.Allowed {
						continue
					}
					net[r].Add(2)
					if err := s.Refund(ctx, key, one, 1); err != nil {
						fail <- err.Error()
						return
					}
					net[r].Add(-1)
				}
			})
		}
		// Peeks see each held key's tokens only go down.
		wg.Go(func() {
			last := make([]int, len(hot))
			for i := range last {
				last[i] = burst
			}
			for flooding.Load() > 0 {
				for i, h := range hot {
					d, err := s.Peek(ctx, h.key, h.limits, 1)
					if err != nil || d.Remaining > last[i] || d.Remaining < 0 {
						fail <- "peek on " + h.key + ": remaining " + strconv.Itoa(d.Remaining) + ", was " + strconv.Itoa(last[i])
						return
					}
					last[i] = d.Remaining
				}
			}
		})
		for g := range takers {
			wg.Go(func() {
				// Until the flood is over and every held key has refused.
				refused := make([]bool, len(hot))
				for left := len(hot); flooding.Load() > 0 || left > 0; {
					for i := range hot {
						h := hot[(i+g)%len(hot)]
						d, err := s.TakeAt(h.key, h.limits, 1, storetest.Epoch)
						if err != nil {
							fail <- err.Error()
							return
						}
						if d.Allowed {
							allowed[(i+g)%len(hot)].Add(1)
						} else if !refused[(i+g)%len(hot)] {
							refused[(i+g)%len(hot)] = true
							left--
						}
					}
				}
			})
		}
		wg.Wait()
		close(fail)
		for msg := range fail {
			t.Fatalf("round %d: %s", round, msg)
		}
		for i, h := range hot {
			if got := allowed[i].Load(); got != burst {
				t.Errorf("round %d: %s let %d requests through, want its burst of %d", round, h.key, got, burst)
			}
		}
		for r := range net {
			// What is left in the bucket is exactly what the takes did not
			// give back.
			d, err := s.Peek(ctx, "ip:203.0.113."+strconv.Itoa(r), one, 1)
			if want := burst - int(net[r].Load()); err != nil || (want > 0) != d.Allowed || d.Remaining != max(want-1, 0) {
				t.Errorf("round %d: refunded key: %+v, %v; want %d tokens left", round, d, err, want)
			}
		}
		if n := s.Len(); n > maxKeys {
			t.Errorf("round %d: the store holds %d keys, cap %d", round, n, maxKeys)
		}
		_ = s.Close()
	}
}

// TestMemoryStoreConcurrentClose closes a store while goroutines take on
// held keys: each Take either decides or reports the store closed.
func TestMemoryStoreConcurrentClose(t *testing.T) {
	t.Parallel()
	s := ratelimit.NewMemoryStore()
	limits := []ratelimit.Limit{{Events: 1_000_000, Period: time.Second}}
	ctx := context.Background()
	for i := range 64 {
		_, _ = s.Take(ctx, "ip:192.0.2."+strconv.Itoa(i), limits, 1)
	}
	var wg sync.WaitGroup
	var closed atomic.Bool
	var takes atomic.Int64
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				after := closed.Load() // Close has returned
				d, err := s.Take(ctx, "ip:192.0.2."+strconv.Itoa((i+g)%64), limits, 1)
				takes.Add(1)
				switch {
				case errors.Is(err, ratelimit.ErrStoreClosed):
					return
				case err != nil || !d.Allowed:
					t.Errorf("take: %+v, %v", d, err)
					return
				case after:
					t.Error("a Take begun after Close returned decided")
					return
				}
			}
		})
	}
	for takes.Load() < 2000 {
		runtime.Gosched()
	}
	_ = s.Close()
	closed.Store(true)
	wg.Wait()
}
