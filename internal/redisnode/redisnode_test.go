package redisnode

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
)

var errSentinel = errors.New("test: unavailable")

func newNodes(t *testing.T, addr string) (*Nodes, *redis.Client, *redistest.Log) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, PoolSize: 4, MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	logger, log := redistest.Logger()
	n := New(Config{
		Client: c, Timeout: 200 * time.Millisecond, RetryInterval: 10 * time.Millisecond,
		Logger: logger, Name: "test", Unavailable: errSentinel,
	})
	t.Cleanup(n.Close)
	return n, c, log
}

// eventually waits up to 10s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %s", what)
		}
	}
}

// spin is a script that keeps the server busy for 400ms.
const spin = `local t = redis.call('TIME'); local e = t[1] * 1e6 + t[2] + 4e5
repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] >= e
return 1`

// TestClassify classifies the errors of real calls: a key's data, a
// script's failure, a late reply, a canceled call, a refused dial.
func TestClassify(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n, c, _ := newNodes(t, srv.Addr())
	ctx := context.Background()
	c.HSet(ctx, "h", "f", "v")
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		err  error
		want Class
	}{
		{"ok", c.Ping(ctx).Err(), OK},
		{"WRONGTYPE", c.Get(ctx, "h").Err(), KeyError},
		{"script error", c.Eval(ctx, "return redis.call('INCR', KEYS[1])", []string{"h"}).Err(), KeyError},
		{"canceled", c.Ping(canceled).Err(), Canceled},
		{"late", n.Do(ctx, func(ctx context.Context) error { return c.Eval(ctx, spin, nil).Err() }), Late},
		{"unknown command", c.Do(ctx, "NOSUCHCOMMAND").Err(), Outage},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("%s: Classify(%v) = %v; want %v", tc.name, tc.err, got, tc.want)
		}
	}
	srv.Stop()
	if err := c.Ping(ctx).Err(); Classify(err) != Outage {
		t.Errorf("a stopped server: Classify(%v) = %v; want outage", err, Classify(err))
	}
}

// TestOutage: a node that fails is down (Route answers at once with the
// sentinel) until the prober finds it back; the outage is logged once when
// it begins and once when it ends, however many calls fail.
func TestOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n, c, log := newNodes(t, srv.Addr())
	ctx := context.Background()
	nd, err := n.Route(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	for range 3 {
		err := c.Ping(ctx).Err()
		if Classify(err) != Outage {
			t.Fatalf("Classify(%v) = %v", err, Classify(err))
		}
		if err := n.Failed(ctx, nd, err); !errors.Is(err, errSentinel) {
			t.Fatalf("Failed: %v; want the sentinel", err)
		}
	}
	if _, err := n.Route(ctx, "k"); !errors.Is(err, errSentinel) || n.Down() != 1 {
		t.Fatalf("Route while down: %v, %d down; want the sentinel, 1", err, n.Down())
	}
	srv.Restart()
	eventually(t, "the node is not back", func() bool { _, err := n.Route(ctx, "k"); return err == nil })
	if u, b := log.Count("Redis is unavailable"), log.Count("Redis is back"); u != 1 || b != 1 {
		t.Fatalf("logged %d outages and %d recoveries; want 1 and 1", u, b)
	}
	// A failure of a call routed before the recovery is ignored.
	_ = n.Failed(ctx, nd, errors.New("stale"))
	if n.Down() != 0 {
		t.Fatal("a stale failure marked the node down")
	}
}

// TestSuspect: a late reply from a live node marks nothing down (its probe
// answers); from a frozen node, the probe fails and the node is down until
// it thaws.
func TestSuspect(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n, _, log := newNodes(t, srv.Addr())
	ctx := context.Background()
	nd, err := n.Route(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Suspect(nd, context.DeadlineExceeded); !errors.Is(err, errSentinel) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Suspect: %v; want the sentinel and the cause", err)
	}
	// The probe takes a round trip; the node is still up after it, and
	// nothing is logged.
	eventually(t, "the suspect is not probed", func() bool {
		n.health.mu.Lock()
		defer n.health.mu.Unlock()
		return len(n.health.suspects) == 0
	})
	time.Sleep(300 * time.Millisecond) // past the probe's timeout
	if n.Down() != 0 || log.Count("Redis") != 0 {
		t.Fatalf("a live node is down after a late reply (%d down; log %q)", n.Down(), log.String())
	}

	srv.Freeze()
	_ = n.Suspect(nd, context.DeadlineExceeded)
	eventually(t, "a frozen node is not marked down", func() bool { return n.Down() == 1 })
	srv.Thaw()
	eventually(t, "the thawed node is not back", func() bool { return n.Down() == 0 })
	if u, b := log.Count("Redis is unavailable"), log.Count("Redis is back"); u != 1 || b != 1 {
		t.Fatalf("logged %d outages and %d recoveries; want 1 and 1", u, b)
	}
}

// TestNewPanics: a configuration mistake shows at once.
func TestNewPanics(t *testing.T) {
	t.Parallel()
	ok := Config{Client: redis.NewClient(&redis.Options{}), Timeout: 1, RetryInterval: 1, Logger: slog.Default(), Unavailable: errSentinel}
	for name, mod := range map[string]func(*Config){
		"client": func(c *Config) { c.Client = nil }, "logger": func(c *Config) { c.Logger = nil },
		"sentinel": func(c *Config) { c.Unavailable = nil }, "timeout": func(c *Config) { c.Timeout = 0 },
		"retry": func(c *Config) { c.RetryInterval = -1 },
	} {
		c := ok
		mod(&c)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			New(c).Close()
		}()
	}
}
