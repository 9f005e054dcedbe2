package redisstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// TestRefusedExact: the refusals a store answers from its cache are the
// ones Redis gives at the same instant (a second store, with the cache off,
// asks Redis at each instant), to the nanosecond, for one limit and for
// several, costs 1 and 2; once Redis would allow the request, the store
// asks it again; a Refund through the store forgets the key's refusal.
func TestRefusedExact(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	ctx := context.Background()
	base := time.Unix(1_800_000_000, 0)
	for _, limits := range [][]ratelimit.Limit{
		{{Events: 3, Period: time.Minute}},
		{{Events: 3, Period: time.Minute}, {Events: 5, Period: time.Hour}},
	} {
		t.Run(fmt.Sprintf("%d limits", len(limits)), func(t *testing.T) {
			now := base
			clock := func() time.Time { return now }
			prefix := fmt.Sprintf("exact%d:", len(limits))
			cached := testStore(t, client, WithClock(clock), WithPrefix(prefix))
			asks := testStore(t, client, WithClock(clock), WithPrefix(prefix), WithRefusalCache(0))
			for i := range 3 {
				if d, err := cached.Take(ctx, "k", limits, 1); err != nil || !d.Allowed {
					t.Fatalf("take %d: %+v, %v", i, d, err)
				}
			}
			if d, err := cached.Take(ctx, "k", limits, 1); err != nil || d.Allowed {
				t.Fatalf("the refusal from Redis: %+v, %v", d, err)
			}
			for _, step := range []time.Duration{0, time.Nanosecond, 7 * time.Second, 19*time.Second + 999*time.Millisecond} {
				now = base.Add(step)
				for _, cost := range []int{1, 2} {
					local, ok := cached.Refused("k", limits, cost)
					want, err := asks.Peek(ctx, "k", limits, cost)
					if err != nil || want.Allowed {
						t.Fatalf("+%v cost %d: Redis says %+v, %v; want a refusal", step, cost, want, err)
					}
					if !ok || local != want {
						t.Errorf("+%v cost %d: cached %+v (%v); Redis %+v", step, cost, local, ok, want)
					}
				}
			}
			// A token is back at +20s: the store asks Redis, which allows it.
			now = base.Add(20 * time.Second)
			if _, ok := cached.Refused("k", limits, 1); ok {
				t.Fatal("refused locally at the instant Redis allows the request")
			}
			if d, err := cached.Take(ctx, "k", limits, 1); err != nil || !d.Allowed {
				t.Fatalf("+20s: %+v, %v; want allowed by Redis", d, err)
			}
			// Refused again; a refund through the store forgets it at once.
			if d, err := cached.Take(ctx, "k", limits, 1); err != nil || d.Allowed {
				t.Fatalf("+20s, again: %+v, %v; want refused", d, err)
			}
			if err := cached.Refund(ctx, "k", limits, 1); err != nil {
				t.Fatal(err)
			}
			if d, err := cached.Take(ctx, "k", limits, 1); err != nil || !d.Allowed {
				t.Fatalf("after the refund: %+v, %v; want allowed", d, err)
			}
		})
	}
}

// TestRefusedBounded: however many keys Redis refuses, the store holds at
// most the refusals it was given room for.
func TestRefusedBounded(t *testing.T) {
	t.Parallel()
	var r refusals
	r.init(64, nil)
	limits := []ratelimit.Limit{{Events: 1, Period: time.Hour}}
	d := ratelimit.Decision{Limit: limits[0], RetryAfter: time.Hour}
	for i := range 10_000 {
		r.note(fmt.Sprintf("k%d", i), limits, 1, r.now(), &d)
	}
	held := 0
	for i := range r.shards {
		held += len(r.shards[i].m)
	}
	if held > 64 || held == 0 {
		t.Fatalf("%d refusals held for room for 64", held)
	}
	if _, ok := r.refused("k9999", limits, 1); !ok {
		t.Error("the latest refusal is not held")
	}
}

// TestTakeUncached: a refund made through another store sharing Redis
// restores the bucket, which Take on this store still refuses from its
// cache until its own instant, and TakeUncached takes from Redis; the
// cache learns its refusal.
func TestTakeUncached(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	limits := []ratelimit.Limit{{Events: 1, Period: time.Hour, Burst: 2}}
	here := testStore(t, client, WithClock(clock), WithPrefix("uncached:"))
	there := testStore(t, client, WithClock(clock), WithPrefix("uncached:"))
	for i, want := range []bool{true, true, false} {
		if d, err := here.Take(ctx, "k", limits, 1); err != nil || d.Allowed != want {
			t.Fatalf("take %d: %+v, %v; want allowed %v", i, d, err, want)
		}
	}
	if err := there.Refund(ctx, "k", limits, 1); err != nil {
		t.Fatal(err)
	}
	if d, err := here.Take(ctx, "k", limits, 1); err != nil || d.Allowed {
		t.Fatalf("Take after a refund elsewhere: %+v, %v; want the cached refusal", d, err)
	}
	for i, want := range []bool{true, false, false} {
		if d, err := here.TakeUncached(ctx, "k", limits, 1); err != nil || d.Allowed != want {
			t.Fatalf("TakeUncached %d: %+v, %v; want allowed %v", i, d, err, want)
		}
	}
	if _, ok := here.Refused("k", limits, 1); !ok {
		t.Error("the cache did not learn TakeUncached's refusal")
	}
	if err := there.Refund(ctx, "k", limits, 1); err != nil {
		t.Fatal(err)
	}
	if d, err := here.TakeUncached(ctx, "k", limits, 1); err != nil || !d.Allowed {
		t.Fatalf("TakeUncached after a second refund elsewhere: %+v, %v; want allowed", d, err)
	}
}

// An allowed reply to a call queued before the refusal the store keeps
// (its reply came later) does not forget the refusal; one queued after it
// does.
func TestRefusedOrder(t *testing.T) {
	var r refusals
	r.init(16, nil)
	limits := []ratelimit.Limit{{Events: 1, Period: time.Hour}}
	refused := ratelimit.Decision{Limit: limits[0], RetryAfter: time.Hour}
	allowed := ratelimit.Decision{Allowed: true, Limit: limits[0]}
	now := r.now()
	r.note("k", limits, 1, now, &refused)
	r.note("k", limits, 1, now-1, &allowed)
	if _, ok := r.refused("k", limits, 1); !ok {
		t.Fatal("an allowed reply queued before the refusal forgot it")
	}
	r.note("k", limits, 1, now+1, &allowed)
	if _, ok := r.refused("k", limits, 1); ok {
		t.Fatal("an allowed reply queued after the refusal did not forget it")
	}
}
