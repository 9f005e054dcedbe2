package redisstore

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

var epoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// clock is a manual clock for WithClock.
type clock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return epoch.Add(c.d)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.d += d
}

var (
	perMinute5 = ratelimit.Limit{Events: 60, Period: time.Minute, Burst: 5}
	tenPerSec  = ratelimit.Limit{Events: 10, Period: time.Second}
	oneBurst3  = ratelimit.Limit{Events: 1, Period: time.Second, Burst: 3}
	threePerS  = ratelimit.Limit{Events: 3, Period: time.Second}
	burst2     = ratelimit.Limit{Events: 10, Period: time.Second, Burst: 2, Name: "burst"}
	daily3     = ratelimit.Limit{Events: 3, Period: 24 * time.Hour, Name: "daily"}
)

func allow(l ratelimit.Limit, rem int, reset time.Duration) ratelimit.Decision {
	return ratelimit.Decision{Allowed: true, Limit: l, Remaining: rem, ResetAfter: reset}
}

func refuse(l ratelimit.Limit, rem int, reset, retry time.Duration) ratelimit.Decision {
	return ratelimit.Decision{Limit: l, Remaining: rem, ResetAfter: reset, RetryAfter: retry}
}

func ls(l ...ratelimit.Limit) []ratelimit.Limit { return l }

type step struct {
	advance time.Duration
	limits  []ratelimit.Limit
	cost    int
	want    ratelimit.Decision
}

// TestDecisions runs the behaviour table of the in-memory store against
// Redis, on fixed instants.
func TestDecisions(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	cases := []struct {
		name  string
		steps []step
	}{
		{"burst then refuse", []step{
			{0, ls(perMinute5), 1, allow(perMinute5, 4, time.Second)},
			{0, ls(perMinute5), 4, allow(perMinute5, 0, 5*time.Second)},
			{0, ls(perMinute5), 1, refuse(perMinute5, 0, 5*time.Second, time.Second)},
		}},
		{"refill", []step{
			{0, ls(perMinute5), 5, allow(perMinute5, 0, 5*time.Second)},
			{500 * time.Millisecond, ls(perMinute5), 1, refuse(perMinute5, 0, 4500*time.Millisecond, 500*time.Millisecond)},
			{500 * time.Millisecond, ls(perMinute5), 1, allow(perMinute5, 0, 5*time.Second)},
			{2500 * time.Millisecond, ls(perMinute5), 1, allow(perMinute5, 1, 3500*time.Millisecond)},
			{time.Hour, ls(perMinute5), 1, allow(perMinute5, 4, time.Second)},
		}},
		{"cost", []step{
			{0, ls(tenPerSec), 4, allow(tenPerSec, 6, 400*time.Millisecond)},
			{0, ls(tenPerSec), 4, allow(tenPerSec, 2, 800*time.Millisecond)},
			{0, ls(tenPerSec), 4, refuse(tenPerSec, 2, 800*time.Millisecond, 200*time.Millisecond)},
		}},
		{"cost above capacity never passes and takes nothing", []step{
			{0, ls(oneBurst3), 4, refuse(oneBurst3, 3, 0, 0)},
			{0, ls(oneBurst3), 3, allow(oneBurst3, 0, 3*time.Second)},
		}},
		{"cost zero reads without taking", []step{
			{0, ls(perMinute5), 0, allow(perMinute5, 5, 0)},
			{0, ls(perMinute5), 2, allow(perMinute5, 3, 2*time.Second)},
			{0, ls(perMinute5), 0, allow(perMinute5, 3, 2*time.Second)},
		}},
		{"interval that is not a whole microsecond", []step{
			{0, ls(threePerS), 3, allow(threePerS, 0, 999999999)},
			{333333332, ls(threePerS), 1, refuse(threePerS, 0, 666666667, 1)},
			{1, ls(threePerS), 1, allow(threePerS, 0, 999999999)},
		}},
		{"several limits: a refusal takes nothing from any", []step{
			{0, ls(burst2, daily3), 2, allow(burst2, 0, 200*time.Millisecond)},
			{0, ls(burst2, daily3), 1, refuse(burst2, 0, 200*time.Millisecond, 100*time.Millisecond)},
			{100 * time.Millisecond, ls(daily3, burst2), 1, allow(daily3, 0, 24*time.Hour-100*time.Millisecond)},
		}},
		{"several limits: the longest wait binds", []step{
			{0, ls(burst2, daily3), 2, allow(burst2, 0, 200*time.Millisecond)},
			{0, ls(burst2, daily3), 1, refuse(burst2, 0, 200*time.Millisecond, 100*time.Millisecond)},
			{200 * time.Millisecond, ls(burst2, daily3), 1, allow(daily3, 0, 24*time.Hour-200*time.Millisecond)},
			{0, ls(burst2, daily3), 2, refuse(daily3, 0, 24*time.Hour-200*time.Millisecond, 16*time.Hour-200*time.Millisecond)},
		}},
		{"no limits", []step{
			{0, nil, 1, ratelimit.Decision{Allowed: true}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c clock
			s := New(client, WithClock(c.now), WithPolicy(FailClosed))
			defer s.Close()
			for i, st := range tc.steps {
				c.advance(st.advance)
				got, err := s.Take(context.Background(), t.Name(), st.limits, st.cost)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if got != st.want {
					t.Fatalf("step %d:\n got %+v\nwant %+v", i, got, st.want)
				}
			}
		})
	}
}

// TestKeys checks the key layout: prefix, hash tag, one field per limit, and
// an expiry when the slowest bucket is full again.
func TestKeys(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	ctx := context.Background()
	var c clock
	s := New(client, WithClock(c.now), WithPrefix("rl:"), WithPolicy(FailClosed))
	if _, err := s.Take(ctx, "user:7", ls(burst2, daily3), 1); err != nil {
		t.Fatal(err)
	}
	const key = "rl:{user:7}"
	got, err := client.HGetAll(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) string { return strconv.FormatInt(epoch.Add(d).UnixNano(), 10) }
	want := map[string]string{
		"100000000:2":      at(100 * time.Millisecond),
		"28800000000000:3": at(8 * time.Hour),
	}
	if len(got) != len(want) || got["100000000:2"] != want["100000000:2"] || got["28800000000000:3"] != want["28800000000000:3"] {
		t.Fatalf("HGETALL %s = %v; want %v", key, got, want)
	}
	ttl, err := client.PTTL(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 8*time.Hour-time.Minute || ttl > 8*time.Hour {
		t.Fatalf("PTTL %s = %v; want just under 8h", key, ttl)
	}
	// A shorter limit set under the same key does not cut the expiry the
	// daily bucket needs.
	if _, err := s.Take(ctx, "user:7", ls(burst2), 1); err != nil {
		t.Fatal(err)
	}
	if ttl, _ = client.PTTL(ctx, key).Result(); ttl <= 8*time.Hour-time.Minute {
		t.Fatalf("PTTL after a shorter limit = %v; want it kept near 8h", ttl)
	}
	// A refusal writes nothing.
	before, _ := client.HGetAll(ctx, key).Result()
	if d, err := s.Take(ctx, "user:7", ls(burst2), 5); err != nil || d.Allowed {
		t.Fatalf("Take cost 5 = %+v, %v; want refused", d, err)
	}
	after, _ := client.HGetAll(ctx, key).Result()
	if len(before) != len(after) || before["100000000:2"] != after["100000000:2"] {
		t.Fatalf("a refusal changed the hash: %v -> %v", before, after)
	}
}

// TestServerClock checks that, without WithClock, the store uses Redis's TIME.
func TestServerClock(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	s := New(client, WithPolicy(FailClosed))
	ctx := context.Background()
	l := ratelimit.Limit{Events: 2, Period: time.Hour}
	for i, want := range []bool{true, true, false} {
		d, err := s.Take(ctx, "k", ls(l), 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != want {
			t.Fatalf("take %d: Allowed = %v; want %v", i, d.Allowed, want)
		}
	}
	d, _ := s.Take(ctx, "k", ls(l), 1)
	if d.RetryAfter <= 0 || d.RetryAfter > 30*time.Minute {
		t.Fatalf("RetryAfter = %v; want in (0, 30m]", d.RetryAfter)
	}
}

// TestNoScript checks that the store reloads its script after SCRIPT FLUSH.
func TestNoScript(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	ctx := context.Background()
	s := New(client, WithPolicy(FailClosed))
	for i := range 3 {
		if err := client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Take(ctx, "k", ls(perMinute5), 1); err != nil {
			t.Fatalf("take %d after SCRIPT FLUSH: %v", i, err)
		}
	}
}

// TestInvalidArguments checks that arguments no store could decide are
// errors, not decisions, whatever the policy.
func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	s := New(client, WithPolicy(FailOpen))
	cases := []struct {
		name   string
		limits []ratelimit.Limit
		cost   int
	}{
		{"negative cost", ls(perMinute5), -1},
		{"zero events", ls(ratelimit.Limit{Period: time.Second}), 1},
		{"zero period", ls(ratelimit.Limit{Events: 1}), 1},
		{"interval below a nanosecond", ls(ratelimit.Limit{Events: 10, Period: 1}), 1},
		{"too many limits", ls(perMinute5, perMinute5, perMinute5, perMinute5, perMinute5, perMinute5, perMinute5, perMinute5, perMinute5), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := s.Take(context.Background(), "k", tc.limits, tc.cost)
			if err == nil || d.Allowed {
				t.Fatalf("Take = %+v, %v; want an error", d, err)
			}
			if !strings.HasPrefix(err.Error(), "apierror/ratelimit") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestNewPanics(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	cases := []struct {
		name string
		opts []Option
	}{
		{"brace in prefix", []Option{WithPrefix("a{b}")}},
		{"zero timeout", []Option{WithTimeout(0)}},
		{"negative retry interval", []Option{WithRetryInterval(-time.Second)}},
		{"unknown policy", []Option{WithPolicy(Policy(9))}},
		{"nil logger", []Option{WithLogger(nil)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "apierror/ratelimit/redisstore: ") {
					t.Fatalf("recover() = %v; want a panic with the package prefix", r)
				}
			}()
			New(client, tc.opts...)
		})
	}
}
