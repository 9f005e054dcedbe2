package redisstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// markerStore is a fallback whose every answer is recognisable.
type markerStore struct{ calls atomic.Int64 }

var markerDecision = ratelimit.Decision{Allowed: true, Remaining: 424242}

func (m *markerStore) Take(context.Context, string, []ratelimit.Limit, int) (ratelimit.Decision, error) {
	m.calls.Add(1)
	return markerDecision, nil
}

func (m *markerStore) Peek(context.Context, string, []ratelimit.Limit, int) (ratelimit.Decision, error) {
	m.calls.Add(1)
	return markerDecision, nil
}

func (m *markerStore) Refund(context.Context, string, []ratelimit.Limit, int) error { return nil }

func (m *markerStore) Close() error { return nil }

// outcome is one request of the load.
type outcome struct {
	phase    int32 // phase when the request began
	key      string
	took     time.Duration
	d        ratelimit.Decision
	err      error
	finished time.Time

	fromRedis bool // the decision is Redis's (its key is there)
	late      bool // begun after the first decision from Redis once it returned
}

const (
	phaseUp = iota
	phaseDown
	phaseBack
)

// slack is what a decision may take beyond the timeout: scheduling on a
// small machine under -race, with other tests running beside this one. The
// bound it makes (a second) is still a third of go-redis's own read timeout,
// which a request waits out for a frozen Redis without the store's guard,
// and again for each retry.
const slack = 500 * time.Millisecond

// TestOutage stops (or freezes) Redis in the middle of a load and starts it
// again: each policy does what it promises while Redis is away, no decision
// waits past the timeout, and decisions come from Redis again within a
// second of its return.
func TestOutage(t *testing.T) {
	t.Parallel()
	policies := []Policy{FailOpen, FailClosed, FallBack}
	for _, fault := range []string{"stop", "freeze"} {
		for _, p := range policies {
			for _, bounded := range []bool{true, false} {
				name := fmt.Sprintf("%s/%s/context-timeout=%v", fault, strings.ReplaceAll(p.String(), " ", "-"), bounded)
				// One at a time: each keeps the machine busy, and a starved
				// scheduler would blur what the timeout promises.
				t.Run(name, func(t *testing.T) {
					runOutage(t, fault, p, bounded)
				})
			}
		}
	}
}

func runOutage(t *testing.T, fault string, policy Policy, bounded bool) {
	srv := redistest.Start(t)
	client := newClient(t, srv.Addr(), bounded)
	check := newClient(t, srv.Addr(), true) // the test's own view of Redis
	log, logs := logger()
	fb := &markerStore{}
	// Longer than the default, so that the race detector on a small, busy
	// machine does not make a healthy Redis look down; still a sixth of
	// go-redis's own read timeout, which is what a request would otherwise
	// wait for a frozen Redis (and again for each retry).
	const timeout = 500 * time.Millisecond
	s := New(client, WithPolicy(policy), WithFallback(fb), WithLogger(log), WithTimeout(timeout))
	defer s.Close()

	limit := ratelimit.Limit{Events: 1000, Period: time.Hour} // a fresh key: 999 left, full in 3.6s
	fresh := ratelimit.Decision{Allowed: true, Limit: limit, Remaining: 999, ResetAfter: limit.Interval()}
	if d, err := s.Take(context.Background(), "warm-up", []ratelimit.Limit{limit}, 1); err != nil || d != fresh {
		t.Fatalf("first Take = %+v, %v; want %+v", d, err, fresh)
	}

	var (
		phase     atomic.Int32
		stop      atomic.Bool
		counts    [3]atomic.Int64
		late      atomic.Int64 // requests begun after recovery
		recovered atomic.Int64 // UnixNano when a decision from Redis came back after its return
		wg        sync.WaitGroup
		seq       atomic.Int64
	)
	inRedis := func(key string) bool {
		return check.Exists(context.Background(), s.redisKey(key)).Val() == 1
	}
	progress := make(chan struct{}, 1)
	const workers = 16
	perWorker := make([][]outcome, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				p := phase.Load()
				key := fmt.Sprintf("k%d", seq.Add(1))
				start := time.Now()
				ctx := errresp.ContextWithRequestID(context.Background(), "req-"+key)
				d, err := s.Take(ctx, key, []ratelimit.Limit{limit}, 1)
				end := time.Now()
				o := outcome{phase: p, key: key, took: end.Sub(start), d: d, err: err, finished: end}
				if p == phaseBack {
					o.fromRedis = err == nil && d == fresh && inRedis(key)
					if o.fromRedis {
						recovered.CompareAndSwap(0, end.UnixNano())
					}
					if r := recovered.Load(); r != 0 && start.UnixNano() > r {
						o.late = true
						late.Add(1)
					}
				}
				perWorker[w] = append(perWorker[w], o)
				counts[p].Add(1)
				select {
				case progress <- struct{}{}:
				default:
				}
				runtime.Gosched() // a load, not a spin that starves the timers under test
			}
		}()
	}
	// waitFor blocks until cond holds, checking after each request, and
	// fails the test after limit.
	waitFor := func(what string, limit time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.NewTimer(limit)
		defer deadline.Stop()
		for !cond() {
			select {
			case <-progress:
			case <-deadline.C:
				stop.Store(true)
				wg.Wait()
				t.Fatalf("%s: not within %v", what, limit)
			}
		}
	}

	waitFor("requests before the fault", 10*time.Second, func() bool { return counts[phaseUp].Load() >= 200 })
	if fault == "stop" {
		srv.Stop()
	} else {
		srv.Freeze()
	}
	phase.Store(phaseDown)
	logsBefore := len(logs.String())
	waitFor("requests during the fault", 10*time.Second, func() bool { return counts[phaseDown].Load() >= 200 })
	returning := time.Now()
	if fault == "stop" {
		srv.Restart()
	} else {
		srv.Thaw()
	}
	back := time.Now()
	phase.Store(phaseBack)
	waitFor("a decision from Redis after its return", 5*time.Second, func() bool { return recovered.Load() != 0 })
	waitFor("requests after recovery", 10*time.Second, func() bool { return late.Load() >= 100 })
	stop.Store(true)
	wg.Wait()
	recoveredAt := time.Unix(0, recovered.Load())
	var results []outcome
	for _, r := range perWorker {
		results = append(results, r...)
	}

	t.Logf("first decision from Redis %v after it returned", recoveredAt.Sub(back))
	if took := recoveredAt.Sub(back); took > time.Second {
		t.Errorf("first decision from Redis %v after it returned; want within 1s", took)
	}
	down := 0
	for _, o := range results {
		if o.took > timeout+slack {
			t.Errorf("a request (phase %d) took %v; want at most the timeout %v (+%v) (began %v after Redis began to return)", o.phase, o.took, timeout, slack, o.finished.Add(-o.took).Sub(returning))
		}
		switch {
		case o.phase == phaseDown && o.finished.Before(returning):
			down++
			if o.finished.Before(returning) {
				checkPolicy(t, policy, o, fb)
			}
		case o.late:
			// After recovery, every decision is Redis's again.
			if !o.fromRedis {
				t.Errorf("after recovery: %+v, %v; want %+v from Redis", o.d, o.err, fresh)
			}
		}
	}
	if down == 0 {
		t.Fatal("saw no request finish during the outage")
	}
	out := logs.String()
	if logsBefore != 0 {
		t.Errorf("logged before the fault:\n%s", out)
	}
	if n := strings.Count(out, "Redis is unavailable"); n != 1 {
		t.Errorf("logged the outage %d times; want once:\n%s", n, out)
	}
	if n := strings.Count(out, "Redis is back"); n != 1 {
		t.Errorf("logged the recovery %d times; want once:\n%s", n, out)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(l, "request_id=req-k") {
			t.Errorf("a line lacks the request id:\n%s", l)
		}
		if strings.Contains(l, "unavailable") && (!strings.Contains(l, "error=") || !strings.Contains(l, "policy=\""+policy.String()+"\"")) {
			t.Errorf("the outage line lacks the error or the policy:\n%s", l)
		}
	}
}

// checkPolicy checks one decision made while Redis was away.
func checkPolicy(t *testing.T, policy Policy, o outcome, fb *markerStore) {
	t.Helper()
	switch policy {
	case FailOpen:
		if o.err != nil || !o.d.Allowed {
			t.Errorf("fail open: %+v, %v; want allowed", o.d, o.err)
		}
	case FailClosed:
		var e *errresp.Error
		if !errors.As(o.err, &e) || !errors.Is(o.err, &errresp.Error{Kind: errresp.Unavailable}) || o.d.Allowed {
			t.Errorf("fail closed: %+v, %v; want an Unavailable error", o.d, o.err)
		}
	case FallBack:
		if o.err != nil || o.d != markerDecision || fb.calls.Load() == 0 {
			t.Errorf("fall back: %+v, %v; want the fallback's decision", o.d, o.err)
		}
	}
}
