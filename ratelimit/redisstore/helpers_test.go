package redisstore

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
)

// startRedis starts a redis-server for the test and returns it with a client
// that bounds its I/O by the context, as the package recommends.
func startRedis(t testing.TB) (*redistest.Server, *redis.Client) {
	t.Helper()
	srv := redistest.Start(t)
	return srv, newClient(t, srv.Addr(), true)
}

// newClient returns a client of addr, closed when the test ends.
func newClient(t testing.TB, addr string, contextTimeout bool) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: contextTimeout,
		DisableIdentity:       true,
		Protocol:              2,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testStore is a store for tests of behaviour rather than of outages: a
// timeout that a busy machine under the race detector cannot reach, and
// FailClosed, so that a failure shows as an error.
func testStore(client redis.UniversalClient, opts ...Option) *Store {
	return New(client, append([]Option{WithTimeout(10 * time.Second), WithPolicy(FailClosed)}, opts...)...)
}

// logBuffer is a concurrency-safe buffer for a test logger.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logger returns a text logger writing into a fresh buffer.
func logger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

// quietRedis drops go-redis's own log lines (a failed dial each, during the
// outage tests), which would only bury the test's output.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quietRedis{})
	os.Exit(m.Run())
}

// counter is a go-redis hook counting the commands a client sends, each one
// round trip (the store never pipelines), by name.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func countCommands(c *redis.Client) *counter {
	k := &counter{n: map[string]int{}}
	c.AddHook(k)
	return k
}

func (k *counter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (k *counter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		k.mu.Lock()
		k.n[cmd.Name()]++
		k.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (k *counter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		k.mu.Lock()
		k.n["pipeline"]++
		k.mu.Unlock()
		return next(ctx, cmds)
	}
}

// take returns the counts so far and resets them.
func (k *counter) take() map[string]int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := k.n
	k.n = map[string]int{}
	return n
}
