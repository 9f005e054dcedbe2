package bench

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// The package shares one redis-server, started on first use and stopped by
// TestMain.
var (
	redisOnce sync.Once
	redisAddr string
	redisErr  error
	redisCmd  *exec.Cmd
)

// needRedis returns the address of the package's redis-server, starting it
// on first use. Without the binary the test or benchmark is skipped, unless
// the environment variable CI is set, in which case it fails.
func needRedis(tb testing.TB) string {
	tb.Helper()
	redisOnce.Do(func() { redisAddr, redisErr = startRedis() })
	if errors.Is(redisErr, exec.ErrNotFound) {
		if os.Getenv("CI") != "" {
			tb.Fatalf("redis-server not found (install the Debian package redis-server): %v", redisErr)
		}
		tb.Skipf("redis-server not found; install the Debian package redis-server to run this: %v", redisErr)
	}
	if redisErr != nil {
		tb.Fatalf("starting redis-server: %v", redisErr)
	}
	return redisAddr
}

// startRedis starts redis-server on a free loopback port without
// persistence and waits until it answers.
func startRedis() (string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "yes")
	if err := cmd.Start(); err != nil {
		return "", err
	}
	redisCmd = cmd
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return addr, nil
		}
		if time.Now().After(deadline) {
			stopRedis()
			return "", err
		}
		time.Sleep(20 * time.Millisecond) // waiting for a process to start, not for time to pass in a test
	}
}

// stopRedis stops the package's redis-server, if it was started.
func stopRedis() {
	if redisCmd != nil && redisCmd.Process != nil {
		_ = redisCmd.Process.Kill()
		_ = redisCmd.Wait()
		redisCmd = nil
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopRedis()
	os.Exit(code)
}

// redisClient returns a client of the package's redis-server whose pool fits
// the parallel benchmarks, and which counts its round trips in trips (a
// command or a pipeline is one) when trips is not nil.
func redisClient(tb testing.TB, trips *atomic.Int64) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: needRedis(tb), PoolSize: 64, ContextTimeoutEnabled: true})
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

// redisLimiters are the Redis-backed limiters compared, ours first. Each
// works under its own key prefix on the same server.
func redisLimiters() []limiterImpl {
	impls := oursRedisLimiters()
	return append(impls,
		limiterImpl{"redis_rate", func(tb testing.TB, keys []string) decider {
			l := redis_rate.NewLimiter(redisClient(tb, tripsOf("redis_rate")))
			lim := redis_rate.Limit{Rate: benchRate, Burst: benchRate, Period: time.Second}
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

// BenchmarkRateLimitRedis makes one allowed decision per operation against a
// local redis-server, on one key and across 10,000 keys, serially and in
// parallel (16 goroutines per GOMAXPROCS, since each one mostly waits on the
// network). It is skipped when redis-server is not installed.
func BenchmarkRateLimitRedis(b *testing.B) {
	needRedis(b)
	benchLimiters(b, redisLimiters(), []int{1, 10_000}, 16)
}

// TestRedisLimiters checks that every Redis limiter the benchmark compares
// allows a first request and refuses one past a small limit's burst.
func TestRedisLimiters(t *testing.T) {
	needRedis(t)
	for _, im := range redisLimiters() {
		t.Run(im.name, func(t *testing.T) {
			d := im.make(t, []string{"test"})
			ok, err := d(context.Background(), "bench-test-"+im.name+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
			if err != nil || !ok {
				t.Fatalf("first request: allowed %v, err %v", ok, err)
			}
		})
	}
}

// TestRedisRoundTrips counts the round trips each Redis limiter makes for
// 100 decisions on a key it has seen: the library's store promises one a
// decision; the peers' counts are logged.
func TestRedisRoundTrips(t *testing.T) {
	needRedis(t)
	ctx := context.Background()
	for _, im := range redisLimiters() {
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
