package redisstore

import (
	"context"
	"errors"
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

// TestSingleUnreadableTimes checks that a single-limit key holding what
// gcra1.lua cannot have written (not a number, outside [0, 9e15), the
// former two-part layout, or a time further ahead than the bucket plus a
// minute) fails Take, Peek and Refund with ErrCorruptKey and is deleted.
func TestSingleUnreadableTimes(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	var c storetest.Clock
	s := testStore(t, client, WithClock(c.Now))
	ctx := context.Background()
	limits := ls(perMinute5)
	rk := s.redisKey("bad", limits)
	mod := c.Now().UnixNano() % 9e15
	ahead := strconv.FormatInt((mod+int64(limits[0].Interval())*int64(limits[0].Capacity())+int64(2*time.Minute))%9e15, 10)
	ops := map[string]func() error{
		"Take":   func() error { _, err := s.Take(ctx, "bad", limits, 1); return err },
		"Peek":   func() error { _, err := s.Peek(ctx, "bad", limits, 1); return err },
		"Refund": func() error { return s.Refund(ctx, "bad", limits, 1) },
	}
	for _, v := range []string{"", "not a time", "12abc", "-1", "nan", "inf", "9000000000000000", strconv.FormatInt(c.Now().UnixNano(), 10), ahead} {
		for name, op := range ops {
			if name == "Refund" && v == ahead {
				continue // a refund only moves the time back: it reads no clock
			}
			if err := client.Set(ctx, rk, v, 0).Err(); err != nil {
				t.Fatal(err)
			}
			if err := op(); !errors.Is(err, ErrCorruptKey) {
				t.Errorf("%s on %q: %v; want ErrCorruptKey", name, v, err)
			}
			if n, _ := client.Exists(ctx, rk).Result(); n != 0 {
				t.Errorf("%s on %q left the key", name, v)
			}
		}
	}
	// A time within the bucket plus a minute is another node's clock: read
	// as an empty bucket.
	near := strconv.FormatInt((mod+int64(limits[0].Interval())*int64(limits[0].Capacity())+int64(30*time.Second))%9e15, 10)
	client.Set(ctx, rk, near, 0)
	if d, err := s.Take(ctx, "bad", limits, 1); err != nil || d.Allowed {
		t.Errorf("Take on a bucket 30s past full: %+v, %v; want refused", d, err)
	}
}
