package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/internal/race"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
		return ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))
	})
}

// TestMemoryStoreBound floods a store capped at 100,000 keys with a million
// new keys and checks that it holds no more than the cap, stays within a
// stated heap bound, and keeps every held client's bucket: a client that
// was limited before the flood is still limited, to the nanosecond. The
// flood comes from one goroutine, so under the race detector it runs at a
// tenth of the size (10,000 keys, 100,000 new ones, a 4 MiB bound: the
// shards' fixed cost weighs more on a small store).
func TestMemoryStoreBound(t *testing.T) {
	if testing.Short() {
		t.Skip("floods a store with a million keys")
	}
	maxKeys := race.Size(100_000, 10_000)
	flood := 10 * maxKeys
	heapBound := int64(race.Size(32<<20, 4<<20))
	const shards = 16
	victimLimits := []ratelimit.Limit{{Events: 3, Period: time.Hour}} // refills in an hour
	fast := []ratelimit.Limit{{Events: 1000, Period: time.Second}, {Events: 10_000, Period: time.Minute}}
	slow := []ratelimit.Limit{{Events: 10, Period: time.Hour}, {Events: 100, Period: 24 * time.Hour}}
	tests := []struct {
		name  string
		flood []ratelimit.Limit
		gap   time.Duration // between two flood requests
		// evicts tells whether flood keys refill during the flood, so the
		// store must recycle them rather than turn newcomers away.
		evicts bool
		pad    int // extra key length, to check that long keys are bounded too
	}{
		{"flood keys refill and are recycled", fast, time.Microsecond, true, 0},
		{"flood keys stay limited and share the overflow bucket", slow, time.Microsecond, false, 0},
		{"1 KiB keys", slow, time.Microsecond, false, 1024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: the heap is measured.
			var clock storetest.Clock
			before := heapInUse()
			s := ratelimit.NewMemoryStore(ratelimit.MemoryClock(clock.Now), ratelimit.MemoryMaxKeys(maxKeys), ratelimit.MemoryShards(shards))
			ctx := context.Background()

			// The victim uses up its bucket.
			for range 3 {
				if d, _ := s.Take(ctx, "victim", victimLimits, 1); !d.Allowed {
					t.Fatal("victim refused before its bucket was empty")
				}
			}
			start := clock.Now()
			passed := 0
			key := make([]byte, 0, 32+tc.pad)
			pad := strings.Repeat("x", tc.pad)
			for i := range flood {
				clock.Advance(tc.gap)
				key = strconv.AppendInt(append(append(key[:0], pad...), "attacker-"...), int64(i), 10)
				d, err := s.Take(ctx, string(key), tc.flood, 1)
				if err != nil {
					t.Fatal(err)
				}
				if d.Allowed {
					passed++
				}
				if i%maxKeys == 0 {
					if n := s.Len(); n > maxKeys {
						t.Fatalf("after %d flood keys the store holds %d keys, cap %d", i, n, maxKeys)
					}
				}
			}
			if n := s.Len(); n > maxKeys {
				t.Fatalf("store holds %d keys, cap %d", n, maxKeys)
			}
			if tc.evicts && passed != flood {
				t.Fatalf("%d of %d refilled-key newcomers passed, want all", passed, flood)
			}
			// Otherwise exactly the keys that fit (the victim holds one slot)
			// and each shard's overflow bucket (10 tokens) pass.
			if want := maxKeys - 1 + shards*10; !tc.evicts && passed != want {
				t.Fatalf("%d newcomers passed, want %d: the held keys and the overflow buckets", passed, want)
			}
			if heap := heapInUse() - before; heap > heapBound {
				t.Fatalf("store grew the heap by %d bytes, bound %d", heap, heapBound)
			}
			t.Logf("flood: %d of %d passed; heap grew by %.1f MiB", passed, flood, float64(heapInUse()-before)/(1<<20))

			// Still limited, with the exact wait: one token comes back 20
			// minutes after the bucket was emptied.
			elapsed := clock.Now().Sub(start)
			d, err := s.Take(ctx, "victim", victimLimits, 1)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed || d.RetryAfter != 20*time.Minute-elapsed {
				t.Fatalf("victim after the flood: %+v, want refused with RetryAfter %v", d, 20*time.Minute-elapsed)
			}
			runtime.KeepAlive(s)
		})
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestMemoryStoreEviction checks the eviction rule on a one-shard store
// capped at three keys.
func TestMemoryStoreEviction(t *testing.T) {
	t.Parallel()
	perSecond := []ratelimit.Limit{{Events: 1, Period: time.Second, Burst: 2}}
	type req struct {
		advance time.Duration
		key     string
		cost    int
		allowed bool
		held    int // keys held afterwards
	}
	tests := []struct {
		name string
		reqs []req
	}{
		{"refused and free requests store nothing", []req{
			{0, "a", 3, false, 0},
			{0, "a", 0, true, 0},
			{0, "a", 1, true, 1},
		}},
		{"a full bucket makes room", []req{
			{0, "a", 1, true, 1}, {0, "b", 2, true, 2}, {0, "c", 2, true, 3},
			// a refills after 1s; b and c do not for 2s.
			{time.Second, "d", 2, true, 3},
			{0, "b", 2, false, 3}, {0, "c", 2, false, 3}, {0, "d", 2, false, 3},
		}},
		{"limited keys stay; newcomers share the overflow bucket", []req{
			{0, "a", 2, true, 1}, {0, "b", 2, true, 2}, {0, "c", 2, true, 3},
			{0, "x", 1, true, 3}, {0, "y", 1, true, 3}, {0, "z", 1, false, 3},
			{0, "a", 1, false, 3}, {0, "b", 1, false, 3}, {0, "c", 1, false, 3},
			{time.Second, "a", 1, true, 3},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var clock storetest.Clock
			s := ratelimit.NewMemoryStore(ratelimit.MemoryClock(clock.Now), ratelimit.MemoryMaxKeys(3), ratelimit.MemoryShards(1))
			for i, r := range tc.reqs {
				clock.Advance(r.advance)
				d, err := s.Take(context.Background(), r.key, perSecond, r.cost)
				if err != nil {
					t.Fatal(err)
				}
				if d.Allowed != r.allowed || s.Len() != r.held {
					t.Fatalf("request %d (%s, cost %d): allowed %v holding %d, want %v holding %d", i, r.key, r.cost, d.Allowed, s.Len(), r.allowed, r.held)
				}
			}
		})
	}
}

func TestMemoryStoreBadArguments(t *testing.T) {
	t.Parallel()
	s := ratelimit.NewMemoryStore()
	ok := []ratelimit.Limit{{Events: 1, Period: time.Second}}
	tests := []struct {
		name   string
		limits []ratelimit.Limit
		cost   int
	}{
		{"negative cost", ok, -1},
		{"zero events", []ratelimit.Limit{{Period: time.Second}}, 1},
		{"zero period", []ratelimit.Limit{{Events: 1}}, 1},
		{"interval below a nanosecond", []ratelimit.Limit{{Events: 10, Period: 5}}, 1},
		{"too many limits", make([]ratelimit.Limit, ratelimit.MaxLimits+1), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d, err := s.Take(context.Background(), "k", tc.limits, tc.cost); err == nil {
				t.Fatalf("Take = %+v, nil error; want an error", d)
			}
		})
	}
}

func TestMemoryStoreClosed(t *testing.T) {
	t.Parallel()
	s := ratelimit.NewMemoryStore()
	_ = s.Close()
	_, err := s.Take(context.Background(), "k", []ratelimit.Limit{{Events: 1, Period: time.Second}}, 1)
	if !errors.Is(err, ratelimit.ErrStoreClosed) {
		t.Fatalf("Take after Close: %v, want ErrStoreClosed", err)
	}
}

// TestMemoryStoreAllocations: a decision on a key the store holds allocates
// nothing, allowed or refused, with one limit or several.
func TestMemoryStoreAllocations(t *testing.T) {
	s := ratelimit.NewMemoryStore()
	t0 := storetest.Epoch
	tests := []struct {
		name   string
		limits []ratelimit.Limit
	}{
		{"one limit", []ratelimit.Limit{{Events: 1000, Period: time.Second}}},
		{"two limits", []ratelimit.Limit{{Events: 1000, Period: time.Second}, {Events: 5000, Period: time.Hour}}},
		{"three limits", []ratelimit.Limit{{Events: 1000, Period: time.Second}, {Events: 5000, Period: time.Hour}, {Events: 9000, Period: 24 * time.Hour}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.TakeAt(tc.name, tc.limits, 1, t0); err != nil {
				t.Fatal(err)
			}
			i := 0
			allocs := testing.AllocsPerRun(5000, func() {
				i++
				_, _ = s.TakeAt(tc.name, tc.limits, 1, t0.Add(time.Duration(i)*time.Microsecond))
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per decision, want 0", allocs)
			}
		})
	}
}

// TestMemoryStoreClockBackwards: an instant earlier than one already seen
// finds fewer tokens, never more.
func TestMemoryStoreClockBackwards(t *testing.T) {
	t.Parallel()
	s := ratelimit.NewMemoryStore()
	limits := []ratelimit.Limit{{Events: 1, Period: time.Second, Burst: 3}}
	t0 := storetest.Epoch.Add(time.Hour)
	if d, _ := s.TakeAt("k", limits, 1, t0); !d.Allowed || d.Remaining != 2 {
		t.Fatalf("first: %+v", d)
	}
	d, _ := s.TakeAt("k", limits, 1, t0.Add(-time.Minute))
	if d.Allowed || d.RetryAfter != time.Minute-time.Second {
		t.Fatalf("a minute earlier: %+v, want refused for 59s", d)
	}
	if d, _ := s.TakeAt("k", limits, 1, t0); !d.Allowed || d.Remaining != 1 {
		t.Fatalf("back at t0: %+v, want allowed with 1 left", d)
	}
}

// TestMemoryStoreLongKeys: keys past MaxKeyLen are held as digests, still
// one bucket per key, and never equal to a short key.
func TestMemoryStoreLongKeys(t *testing.T) {
	t.Parallel()
	s := ratelimit.NewMemoryStore()
	one := []ratelimit.Limit{{Events: 1, Period: time.Hour}}
	long := strings.Repeat("k", ratelimit.MaxKeyLen)
	keys := []string{long + "a", long + "b", long, strings.Repeat("\x00", ratelimit.MaxKeyLen+1)}
	for _, k := range keys {
		if d, _ := s.TakeAt(k, one, 1, storetest.Epoch); !d.Allowed {
			t.Fatalf("first request of key %d bytes refused: keys share a bucket", len(k))
		}
	}
	for _, k := range keys {
		if d, _ := s.TakeAt(k, one, 1, storetest.Epoch); d.Allowed {
			t.Fatalf("second request of key %d bytes allowed", len(k))
		}
	}
	if s.Len() != len(keys) {
		t.Fatalf("store holds %d keys, want %d", s.Len(), len(keys))
	}
}

func TestMemoryStoreLimiters(t *testing.T) {
	t.Parallel()
	storetest.RunLimiters(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
		return ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))
	})
}

// TestMemoryStoreFloodPerLimiter floods one limiter of a shared store with
// new keys, far past the store's cap: the other limiter's answers do not
// change, and the flooded limiter's limited client stays limited.
func TestMemoryStoreFloodPerLimiter(t *testing.T) {
	t.Parallel()
	var clock storetest.Clock
	store := ratelimit.NewMemoryStore(ratelimit.MemoryClock(clock.Now), ratelimit.MemoryMaxKeys(1000))
	opts := []ratelimit.Option{ratelimit.WithStore(store), ratelimit.WithClock(clock.Now)}
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	signIn := ratelimit.PerMinute(1, opts...)(ok)
	api := ratelimit.PerMinute(1, opts...)(ok)
	status := func(h http.Handler, addr string) int {
		return serve(h, request(addr)).Code
	}
	if status(signIn, "198.51.100.1:1") != 200 || status(signIn, "198.51.100.1:1") != 429 {
		t.Fatal("sign-in's client was not limited before the flood")
	}
	if status(api, "198.51.100.2:1") != 200 || status(api, "198.51.100.2:1") != 429 {
		t.Fatal("the API's client was not limited before the flood")
	}
	for i := range 5000 {
		status(signIn, fmt.Sprintf("10.%d.%d.%d:1", i>>16, i>>8&255, i&255))
	}
	if got := status(signIn, "198.51.100.1:1"); got != 429 {
		t.Errorf("after the flood sign-in's limited client got %d, want 429", got)
	}
	if got := status(api, "198.51.100.2:1"); got != 429 {
		t.Errorf("after the flood the API's limited client got %d, want 429", got)
	}
	for i := range 20 {
		if got := status(api, fmt.Sprintf("203.0.113.%d:1", i)); got != 200 {
			t.Fatalf("new API caller %d of 20 got %d during sign-in's flood, want 200", i, got)
		}
	}
}
