package ratelimit_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// TestSameAsRate replays random request sequences on fixed instants against
// a rate.Limiter and the memory store: both must allow and refuse the same
// requests, and the store's Remaining must be the limiter's tokens rounded
// down.
func TestSameAsRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		limit ratelimit.Limit
		step  time.Duration // the largest gap between two requests
		cost  int           // the largest cost
	}{
		{ratelimit.Limit{Events: 60, Period: time.Minute}, 2 * time.Second, 1},
		{ratelimit.Limit{Events: 60, Period: time.Minute, Burst: 5}, 1500 * time.Millisecond, 3},
		{ratelimit.Limit{Events: 10, Period: time.Second, Burst: 1}, 150 * time.Millisecond, 1},
		{ratelimit.Limit{Events: 4, Period: time.Second, Burst: 20}, time.Second, 6},
		{ratelimit.Limit{Events: 1, Period: 2 * time.Second, Burst: 2}, 3 * time.Second, 2},
		{ratelimit.Limit{Events: 1024, Period: time.Second, Burst: 64}, 10 * time.Millisecond, 8},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s burst %d", tc.limit, tc.limit.Capacity()), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(1, uint64(tc.limit.Events)))
			lim := rate.NewLimiter(rate.Every(tc.limit.Interval()), tc.limit.Capacity())
			store := ratelimit.NewMemoryStore(ratelimit.MemoryClock(func() time.Time { return storetest.Epoch }))
			limits := []ratelimit.Limit{tc.limit}
			now := storetest.Epoch
			allowed, refused := 0, 0
			for i := range 20000 {
				// Instants on a millisecond grid: requests often land
				// exactly when a token comes back.
				now = now.Add(time.Duration(rng.Int64N(int64(tc.step)/1e6)) * 1e6)
				cost := 1 + rng.IntN(tc.cost)
				want := lim.AllowN(now, cost)
				got, err := store.TakeAt("k", limits, cost, now)
				if err != nil {
					t.Fatal(err)
				}
				if got.Allowed != want {
					t.Fatalf("request %d (cost %d at +%v): store allowed=%v, rate allowed=%v", i, cost, now.Sub(storetest.Epoch), got.Allowed, want)
				}
				if tokens := lim.TokensAt(now); got.Allowed && got.Remaining != wholeTokens(tokens) {
					t.Fatalf("request %d: Remaining %d, rate has %v tokens left", i, got.Remaining, tokens)
				}
				if want {
					allowed++
				} else {
					refused++
				}
			}
			if allowed == 0 || refused == 0 {
				t.Fatalf("the sequence exercised only one answer: %d allowed, %d refused", allowed, refused)
			}
		})
	}
}

// wholeTokens rounds rate's float token count down, treating a count within
// a millionth of an integer as that integer: rate's float arithmetic leaves
// 1.9999999999 where the exact count is 2, which the store computes in
// integers.
func wholeTokens(f float64) int {
	if r := math.Round(f); math.Abs(f-r) < 1e-6 {
		return int(r)
	}
	return int(math.Floor(f))
}
