package redisstore

import (
	"context"
	"log/slog"
	"os"
	"strings"
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
	return newClientPool(t, addr, contextTimeout, 0)
}

// newClientPool is newClient with a pool of the given size (0: go-redis's
// default). A small pool reaches go-redis's dial back-off (PoolSize failed
// dials in a row) quickly.
func newClientPool(t testing.TB, addr string, contextTimeout bool, size int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: contextTimeout,
		DisableIdentity:       true,
		Protocol:              2,
		PoolSize:              size,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newClusterClient returns a Cluster client seeded with addrs, closed when
// the test ends.
func newClusterClient(t testing.TB, addrs []string) *redis.ClusterClient {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:                 addrs,
		ContextTimeoutEnabled: true,
		DisableIdentity:       true,
		Protocol:              2,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// twoStores returns two store instances sharing one Redis, as two
// instances of a service would, each with its own client (from client), the
// given timeout and a logger keeping its records; closed when the test
// ends.
func twoStores(t testing.TB, client func() redis.UniversalClient, timeout time.Duration, opts ...Option) ([2]*Store, [2]*records) {
	var (
		stores [2]*Store
		logs   [2]*records
	)
	for i := range stores {
		logs[i] = &records{}
		stores[i] = New(client(), append([]Option{WithTimeout(timeout), WithLogger(slog.New(logs[i]))}, opts...)...)
		t.Cleanup(func() { _ = stores[i].Close() })
	}
	return stores, logs
}

// records is a slog handler that keeps every record, with its time, for
// tests that ask when something was logged.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *records) WithGroup(string) slog.Handler            { return h }

func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

// find returns the records whose message contains msg.
func (h *records) find(msg string) []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []slog.Record
	for _, r := range h.recs {
		if strings.Contains(r.Message, msg) {
			out = append(out, r)
		}
	}
	return out
}

// String is every record, one a line, for failure messages.
func (h *records) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, r := range h.recs {
		b.WriteString(r.Time.Format("15:04:05.000") + " " + r.Message)
		r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
		b.WriteByte('\n')
	}
	return b.String()
}

// testStore is a store for tests of behaviour rather than of outages, with
// a timeout that a busy machine under the race detector cannot reach,
// closed when the test ends.
func testStore(t testing.TB, client redis.UniversalClient, opts ...Option) *Store {
	s := New(client, append([]Option{WithTimeout(10 * time.Second)}, opts...)...)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// logger returns a text logger writing into a fresh buffer.
func logger() (*slog.Logger, *redistest.Log) { return redistest.Logger() }

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
