package redisstore

import (
	"context"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// epoch is where storetest.Clock starts.
var epoch = storetest.Epoch

var (
	perMinute5 = ratelimit.Limit{Events: 60, Period: time.Minute, Burst: 5}
	tenPerSec  = ratelimit.Limit{Events: 10, Period: time.Second}
	oneBurst3  = ratelimit.Limit{Events: 1, Period: time.Second, Burst: 3}
	threePerS  = ratelimit.Limit{Events: 3, Period: time.Second}
	burst2     = ratelimit.Limit{Events: 10, Period: time.Second, Burst: 2, Name: "burst"}
	daily3     = ratelimit.Limit{Events: 3, Period: 24 * time.Hour, Name: "daily"}
)

func ls(l ...ratelimit.Limit) []ratelimit.Limit { return l }

// TestConformance runs the behaviour table of every ratelimit.Store (the
// in-memory store's answers, to the nanosecond) against Redis.
func TestConformance(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
		return testStore(t, client, WithClock(now))
	})
}

// TestSameAsMemory runs one random sequence of requests (keys, costs,
// instants, one or two limits) against Redis and the in-memory store and
// compares every decision.
func TestSameAsMemory(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	var c storetest.Clock
	redisStore := testStore(t, client, WithClock(c.Now))
	mem := ratelimit.NewMemoryStore(ratelimit.MemoryClock(c.Now))
	defer mem.Close()
	sets := [][]ratelimit.Limit{
		ls(perMinute5), ls(threePerS), ls(burst2, daily3), ls(oneBurst3, tenPerSec),
		ls(ratelimit.Limit{Events: 7, Period: 3 * time.Second, Burst: 4}),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	for i := range 3000 {
		key := strconv.Itoa(rng.IntN(8))
		// The memory store keys buckets by position, Redis by limit: keep
		// one list of limits per key, as the Store contract asks.
		limits := sets[int(key[0]-'0')%len(sets)]
		cost := rng.IntN(6)
		c.Advance(time.Duration(rng.Int64N(int64(700 * time.Millisecond))))
		want, werr := mem.Take(ctx, key, limits, cost)
		got, gerr := redisStore.Take(ctx, key, limits, cost)
		if werr != nil || gerr != nil || got != want {
			t.Fatalf("request %d (key %s, cost %d, at %v):\nredis  %+v, %v\nmemory %+v, %v", i, key, cost, c.Now().Sub(epoch), got, gerr, want, werr)
		}
	}
}

// TestKeys checks the key layout: prefix, hash tag, one field per limit, and
// an expiry when the slowest bucket is full again.
func TestKeys(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	ctx := context.Background()
	var c storetest.Clock
	s := testStore(t, client, WithClock(c.Now), WithPrefix("rl:"))
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
	s := testStore(t, client)
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
	s := testStore(t, client)
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
	s := testStore(t, client)
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
			New(client, tc.opts...).Close()
		})
	}
}

// TestOneRoundTrip checks that a decision, of one limit or of several, is
// one EVALSHA, and that after the server forgets the scripts (a restart,
// SCRIPT FLUSH) the first decision costs two more round trips, once: its
// EVAL, and the SCRIPT LOAD of every script of the store, pipelined.
func TestOneRoundTrip(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	s := testStore(t, client)
	ctx := context.Background()
	for _, limits := range [][]ratelimit.Limit{ls(perMinute5), ls(burst2, daily3)} {
		if _, err := s.Take(ctx, "warm", limits, 1); err != nil {
			t.Fatal(err)
		}
	}
	k := countCommands(client)
	cases := []struct {
		name  string
		flush bool
		want  map[string]int
	}{
		{"script cached", false, map[string]int{"evalsha": 20}},
		{"after SCRIPT FLUSH", true, map[string]int{"evalsha": 20, "eval": 1, "pipeline": 1}}, // the SCRIPT LOADs in one pipeline
	}
	for _, tc := range cases {
		if tc.flush {
			if err := client.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		k.take()
		for i := range 10 {
			for _, limits := range [][]ratelimit.Limit{ls(perMinute5), ls(burst2, daily3)} {
				if _, err := s.Take(ctx, strconv.Itoa(i), limits, 1); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := k.take(); !maps.Equal(got, tc.want) {
			t.Errorf("%s: commands for 20 decisions = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestHostileKeys checks that any key, whatever bytes it holds, is its own
// bucket: braces cannot merge two clients' keys or split one.
func TestHostileKeys(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	var c storetest.Clock
	s := testStore(t, client, WithClock(c.Now))
	one := ratelimit.Limit{Events: 1, Period: time.Hour}
	keys := []struct{ name, key string }{
		{"empty", ""},
		{"braces", "{x}"},
		{"the same without braces", "x"},
		{"closing brace first", "a}b{c"},
		{"empty tag", "{}"},
		{"protocol bytes", "\x00\r\n*3\r\n$4\r\nPING"},
		{"not UTF-8", "\xff\xfe"},
		{"64 KiB", strings.Repeat("k", 64<<10)},
		{"64 KiB, another last byte", strings.Repeat("k", 64<<10-1) + "j"},
		{"one byte past MaxKeyLen", strings.Repeat("k", ratelimit.MaxKeyLen+1)},
		{"MaxKeyLen", strings.Repeat("k", ratelimit.MaxKeyLen)},
	}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			// Not parallel: each key must find every other key's bucket
			// taken and its own untouched.
			for i, want := range []bool{true, false} {
				d, err := s.Take(context.Background(), k.key, ls(one), 1)
				if err != nil || d.Allowed != want {
					t.Fatalf("take %d: %+v, %v; want Allowed %v", i, d, err, want)
				}
			}
			rk := s.redisKey(k.key, ls(one))
			if n := client.Exists(context.Background(), rk).Val(); n != 1 {
				t.Fatalf("EXISTS %q = %d; want 1", rk, n)
			}
			if most := len(DefaultPrefix) + 2 + ratelimit.MaxKeyLen + 1 + len(":3600000000000:1"); len(rk) > most {
				t.Fatalf("Redis key of %d bytes; want at most %d", len(rk), most)
			}
		})
	}
}
