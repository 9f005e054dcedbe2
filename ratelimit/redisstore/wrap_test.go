package redisstore

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// TestSameAsMemoryAcrossWrap runs one random sequence of takes, peeks and
// refunds against Redis and the in-memory store while the clock crosses a
// multiple of 9×10⁶ seconds since the Unix epoch, where the single-limit
// bucket's stored time wraps to zero, and compares every answer. One of the
// single limits fills in 60 days, longer than a single-limit key holds, so
// the store keeps it in a hash.
func TestSameAsMemoryAcrossWrap(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	var c storetest.Clock
	wrap := time.Unix((epoch.Unix()/9e6+1)*9e6, 0)
	start := wrap.Add(-400 * time.Second)
	now := func() time.Time { return start.Add(c.Now().Sub(epoch)) }
	s := testStore(t, client, WithClock(now))
	mem := ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))
	defer mem.Close()
	long := ratelimit.Limit{Events: 1, Period: 30 * 24 * time.Hour, Burst: 2}
	if single(ls(long)) || !single(ls(perMinute5)) {
		t.Fatalf("single: a 60-day bucket must go to the hash, a one-minute one to its own key")
	}
	sets := [][]ratelimit.Limit{
		ls(perMinute5), ls(threePerS), ls(long), ls(burst2, daily3),
		ls(ratelimit.Limit{Events: 7, Period: 3 * time.Second, Burst: 4}), ls(daily3),
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	for i := range 3000 {
		key := strconv.Itoa(rng.IntN(12))
		// One list of limits per key, as the Store contract asks.
		limits := sets[(int(key[len(key)-1]-'0')+len(key))%len(sets)]
		cost := rng.IntN(6)
		c.Advance(time.Duration(rng.Int64N(int64(600 * time.Millisecond))))
		var got, want ratelimit.Decision
		var gerr, werr error
		switch op := rng.IntN(10); {
		case op < 6:
			want, werr = mem.Take(ctx, key, limits, cost)
			got, gerr = s.Take(ctx, key, limits, cost)
		case op < 8:
			want, werr = mem.Peek(ctx, key, limits, cost)
			got, gerr = s.Peek(ctx, key, limits, cost)
		default:
			werr = mem.Refund(ctx, key, limits, cost)
			gerr = s.Refund(ctx, key, limits, cost)
		}
		if werr != nil || gerr != nil || got != want {
			t.Fatalf("request %d (key %s, cost %d, at %v from the wrap):\nredis  %+v, %v\nmemory %+v, %v", i, key, cost, now().Sub(wrap), got, gerr, want, werr)
		}
	}
	if !now().After(wrap.Add(time.Minute)) {
		t.Fatalf("the sequence ended at %v, before it crossed the wrap", now())
	}
	// A bucket written after the wrap holds a small number.
	d, err := s.Take(ctx, "after", ls(perMinute5), 1)
	if err != nil {
		t.Fatal(err)
	}
	v, err := client.Get(ctx, s.redisKey("after", ls(perMinute5))).Int64()
	if want := int64(now().Sub(wrap) + d.ResetAfter); err != nil || v != want {
		t.Fatalf("stored time after the wrap = %d, %v; want %d", v, err, want)
	}
}
