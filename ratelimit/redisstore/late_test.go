package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// spin keeps a Redis server busy for ARGV[1] microseconds (a script's busy
// loop), as an overloaded server would be.
const spin = `local t = redis.call('TIME'); local e = t[1] * 1e6 + t[2] + tonumber(ARGV[1])
repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] >= e
return 1`

// TestLateReply: a take whose reply comes after the timeout (the server is
// busy for 600ms, longer than the 400ms timeout, not down) fails with
// ErrUnavailable for that request alone: the probe that follows, which
// Redis answers once the busy spell ends, well within its own timeout,
// finds the node up, so nothing is marked down and no outage is logged;
// once the reply comes, the tokens the take took are given back, so the
// request, answered by the limiter's policy, is not charged in Redis too.
func TestLateReply(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	log, logs := logger()
	// A client that does not bound its I/O by the context: every decision
	// goes out in a pipeline of the store's own, which waits for late
	// replies (see the package doc for a lone decision on other clients).
	s := New(newClient(t, srv.Addr(), false), WithTimeout(400*time.Millisecond), WithLogger(log))
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	limits := []ratelimit.Limit{{Events: 5, Period: time.Hour}}
	if d, err := s.Take(ctx, "k", limits, 1); err != nil || !d.Allowed || d.Remaining != 4 {
		t.Fatalf("before: %+v, %v", d, err)
	}
	busy := make(chan error, 1)
	go func() { busy <- admin.Eval(ctx, spin, nil, 600_000).Err() }()
	redistest.WaitBusy(t, srv.Addr())
	if _, err := s.Take(ctx, "k", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
		t.Fatalf("a take behind the busy script: %v; want ErrUnavailable", err)
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	// The late take ran, then was refunded: 4 tokens left, as before it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := s.Peek(ctx, "k", limits, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.Remaining == 3 { // 4 left, less the one this peek asks about
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the late take was not given back: %+v", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s.lateRefunds.Load() != 1 {
		t.Errorf("%d late takes given back; want 1", s.lateRefunds.Load())
	}
	if d, err := s.Take(ctx, "k", limits, 1); err != nil || !d.Allowed {
		t.Fatalf("after the busy spell: %+v, %v; want Redis to decide", d, err)
	}
	if n := logs.Count("unavailable"); n != 0 {
		t.Errorf("a busy Redis was logged as an outage:\n%s", logs)
	}
}
