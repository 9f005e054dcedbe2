package bench

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// redisClient returns a client of the redis-server at addr whose pool fits
// the parallel benchmarks, and which counts its round trips in trips (a
// command or a pipeline is one) when trips is not nil. Deadlines come from
// the context (ContextTimeoutEnabled), as the library's store recommends.
func redisClient(tb testing.TB, addr string, trips *atomic.Int64) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 64, ContextTimeoutEnabled: true})
	if trips != nil {
		c.AddHook(tripCounter{trips})
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// tripCounter is a go-redis hook that counts round trips.
type tripCounter struct{ n *atomic.Int64 }

func (tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// redisTrips counts the round trips of the clients the Redis limiters were
// built with, by implementation name; TestRedisRoundTrips reads it.
var redisTrips sync.Map // string -> *atomic.Int64

func tripsOf(name string) *atomic.Int64 {
	n, _ := redisTrips.LoadOrStore(name, new(atomic.Int64))
	return n.(*atomic.Int64)
}

// The Redis limiters are given redisRate decisions a second with a burst of
// benchRate: every decision is allowed, and each one moves the bucket's
// time by a microsecond. At benchRate a second (a nanosecond a decision)
// redis_rate, which holds the time as a float of seconds since 2017 (about
// 60 ns apart today), would find the time unchanged and write nothing, a
// cheaper job than the one compared; TestRedisWrites checks that both write.
const (
	redisRate  = 1_000_000
	redisBurst = benchRate
)

// redisLimits is redisRate with its burst as the library's limit.
var redisLimits = []ratelimit.Limit{{Events: redisRate, Period: time.Second, Burst: redisBurst}}

// redisLimiters are the Redis-backed limiters compared, ours first, each
// with its own client of the server at addr and its own key prefix.
func redisLimiters(addr string) []limiterImpl {
	impls := oursRedisLimiters(addr)
	return append(impls,
		limiterImpl{"redis_rate", func(tb testing.TB, keys []string) decider {
			l := redis_rate.NewLimiter(redisClient(tb, addr, tripsOf("redis_rate")))
			lim := redis_rate.Limit{Rate: redisRate, Burst: redisBurst, Period: time.Second}
			return func(ctx context.Context, key string) (bool, error) {
				res, err := l.Allow(ctx, key, lim)
				if err != nil {
					return false, err
				}
				return res.Allowed > 0, nil
			}
		}},
	)
}

// scriptTime is the time the Redis server at addr has spent running
// scripts (EVAL and EVALSHA), from INFO commandstats. The limiters compared
// run one after the other on one server, so the difference over a run is
// that run's.
func scriptTime(tb testing.TB, addr string) time.Duration {
	_, spent := redistest.Scripts(tb, addr)
	return spent
}

// scriptsRun is how many scripts the Redis server at addr has run.
func scriptsRun(tb testing.TB, addr string) int {
	n, _ := redistest.Scripts(tb, addr)
	return n
}

// BenchmarkRateLimitRedis makes one allowed decision per operation against a
// redis-server it starts on loopback, on one key and across 10,000 keys,
// serially and in parallel (16 goroutines per GOMAXPROCS, since each one
// mostly waits on the network), and reports the server's time running the
// scripts per decision (server-ns/op). It is skipped when redis-server is not
// installed (and fails then when CI is set).
func BenchmarkRateLimitRedis(b *testing.B) {
	srv := redistest.Start(b)
	benchLimiters(b, redisLimiters(srv.Addr()), []int{1, 10_000}, 16,
		func(tb testing.TB) time.Duration { return scriptTime(tb, srv.Addr()) })
}

// TestRedisLimiters checks that every Redis limiter the benchmark compares
// allows a first request and refuses one past a small limit's burst.
func TestRedisLimiters(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	for _, im := range redisLimiters(srv.Addr()) {
		t.Run(im.name, func(t *testing.T) {
			d := im.make(t, []string{"test"})
			ok, err := d(context.Background(), "bench-test-"+im.name+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
			if err != nil || !ok {
				t.Fatalf("first request: allowed %v, err %v", ok, err)
			}
		})
	}
}

// TestRedisWrites checks that every Redis limiter compared writes its
// bucket on an allowed decision: a key for the client exists afterwards,
// and a second decision changes its value.
func TestRedisWrites(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	ctx := context.Background()
	admin := redisClient(t, srv.Addr(), nil)
	for _, im := range redisLimiters(srv.Addr()) {
		t.Run(im.name, func(t *testing.T) {
			key := "writes-" + im.name + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			d := im.make(t, []string{key})
			var values []string
			for range 2 {
				if ok, err := d(ctx, key); !ok || err != nil {
					t.Fatalf("allowed %v, err %v", ok, err)
				}
				keys, err := admin.Keys(ctx, "*"+key+"*").Result()
				if err != nil || len(keys) != 1 {
					t.Fatalf("keys for %s: %v, %v; want one", key, keys, err)
				}
				v, err := admin.Get(ctx, keys[0]).Result()
				if err != nil {
					t.Fatalf("GET %s: %v", keys[0], err)
				}
				values = append(values, v)
			}
			if values[0] == values[1] {
				t.Errorf("the second decision left the bucket at %q", values[0])
			}
		})
	}
}

// TestRedisRoundTrips counts the round trips each Redis limiter makes for
// 100 decisions on a key it has seen: the library's store promises one a
// decision; the peers' counts are logged.
func TestRedisRoundTrips(t *testing.T) {
	// Not parallel: the trip counters are per implementation name, and
	// TestRedisLimiters' clients count into the same ones.
	srv := redistest.Start(t)
	ctx := context.Background()
	for _, im := range redisLimiters(srv.Addr()) {
		t.Run(im.name, func(t *testing.T) {
			key := "trips-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			d := im.make(t, []string{key})
			if ok, err := d(ctx, key); !ok || err != nil {
				t.Fatalf("first request: allowed %v, err %v", ok, err)
			}
			trips := tripsOf(im.name)
			before := trips.Load()
			for range 100 {
				if ok, err := d(ctx, key); !ok || err != nil {
					t.Fatalf("allowed %v, err %v", ok, err)
				}
			}
			n := trips.Load() - before
			t.Logf("%s: %d round trips for 100 decisions", im.name, n)
			if strings.HasPrefix(im.name, "ours") && n != 100 {
				t.Errorf("%d round trips for 100 decisions, want 100", n)
			}
		})
	}
}
