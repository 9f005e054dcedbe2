package ratelimit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// failingStore fails while fail is set: with ErrUnavailable (the backend is
// down), or with keyErr (a problem of one key's data) when that is set.
type failingStore struct {
	fail   atomic.Bool
	keyErr error
}

func (s *failingStore) Take(context.Context, string, []ratelimit.Limit, int) (ratelimit.Decision, error) {
	if s.fail.Load() {
		if s.keyErr != nil {
			return ratelimit.Decision{}, s.keyErr
		}
		return ratelimit.Decision{}, fmt.Errorf("%w: connection refused", ratelimit.ErrUnavailable)
	}
	return ratelimit.Decision{Allowed: true, Limit: ratelimit.Limit{Events: 5, Period: time.Second}, Remaining: 4}, nil
}
func (s *failingStore) Peek(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	return s.Take(ctx, key, limits, cost)
}

func (s *failingStore) Refund(ctx context.Context, key string, limits []ratelimit.Limit, cost int) error {
	_, err := s.Take(ctx, key, limits, cost)
	return err
}

func (s *failingStore) Close() error { return nil }

// TestStoreFailure checks each policy while the store is unavailable, the
// one log line an outage gives, and the recovery line once the store has
// answered for a second without failing.
func TestStoreFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		policy   ratelimit.StoreErrorPolicy
		statuses []int
		headers  bool // the answers carry rate-limit headers
	}{
		{ratelimit.FallBack, []int{204, 204, 204, 204, 204, 429}, true},
		{ratelimit.FailOpen, []int{204, 204, 204, 204, 204, 204}, false},
		{ratelimit.FailClosed, []int{503, 503, 503, 503, 503, 503}, false},
	}
	for _, tc := range tests {
		t.Run(tc.policy.String(), func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			clock := new(storetest.Clock)
			store := new(failingStore)
			h := ratelimit.PerSecond(5, ratelimit.WithStore(store), ratelimit.WithName("failing"), ratelimit.WithStoreErrorPolicy(tc.policy), ratelimit.WithClock(clock.Now),
				ratelimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))(ok)
			store.fail.Store(true)
			for i, want := range tc.statuses {
				w := serve(h, request("192.0.2.1:1"))
				if w.Code != want {
					t.Fatalf("request %d: status %d, want %d", i, w.Code, want)
				}
				if has := w.Header().Get("X-RateLimit-Remaining") != ""; has != tc.headers {
					t.Fatalf("request %d: rate-limit headers %v, want %v", i, w.Header(), tc.headers)
				}
				if w.Code == http.StatusServiceUnavailable {
					if e, _ := errresp.Decode(w.Result()); e.Kind != errresp.Unavailable || w.Header().Get("Retry-After") != "1" ||
						strings.Contains(w.Body.String(), "connection refused") {
						t.Fatalf("envelope %v (Retry-After %q) leaks or has the wrong kind: %s", e.Kind, w.Header().Get("Retry-After"), w.Body)
					}
				}
			}
			if n := strings.Count(logs.String(), "store unavailable; "+tc.policy.String()); n != 1 {
				t.Fatalf("logged the outage %d times, want once:\n%s", n, logs.String())
			}
			store.fail.Store(false)
			// The store answers again; within a second of the last failure
			// that is not yet a recovery (a Cluster node may still be down).
			clock.Advance(500 * time.Millisecond)
			if w := serve(h, request("192.0.2.1:1")); w.Code != http.StatusNoContent || w.Header().Get("X-RateLimit-Remaining") != "4" {
				t.Fatalf("after recovery: status %d, remaining %q", w.Code, w.Header().Get("X-RateLimit-Remaining"))
			}
			if strings.Contains(logs.String(), "store recovered") {
				t.Fatalf("recovery logged within a second of the last failure:\n%s", logs.String())
			}
			clock.Advance(500 * time.Millisecond)
			serve(h, request("192.0.2.1:1"))
			serve(h, request("192.0.2.1:1"))
			if n := strings.Count(logs.String(), "store recovered"); n != 1 {
				t.Fatalf("recovery logged %d times, want once:\n%s", n, logs.String())
			}
		})
	}
}

// TestStoreFailurePartial: a store that fails for some requests and answers
// others (one Cluster node down) gives one outage line, not one per
// request.
func TestStoreFailurePartial(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	clock := new(storetest.Clock)
	store := new(failingStore)
	h := ratelimit.PerSecond(5, ratelimit.WithStore(store), ratelimit.WithName("failing"), ratelimit.WithClock(clock.Now),
		ratelimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))(ok)
	for i := range 40 {
		store.fail.Store(i%2 == 0)
		clock.Advance(100 * time.Millisecond)
		serve(h, request("192.0.2.1:1"))
	}
	if n := strings.Count(logs.String(), "\n"); n != 1 {
		t.Fatalf("%d log lines, want the outage once:\n%s", n, logs.String())
	}
}

// TestStoreKeyError: an error that does not wrap ErrUnavailable concerns one
// request: it gets the policy and a line of its own, and no outage begins.
func TestStoreKeyError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	store := &failingStore{keyErr: errors.New("WRONGTYPE for this key")}
	h := ratelimit.PerSecond(5, ratelimit.WithStore(store), ratelimit.WithName("failing"), ratelimit.WithStoreErrorPolicy(ratelimit.FailClosed),
		ratelimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))(ok)
	store.fail.Store(true)
	if w := serve(h, request("192.0.2.1:1", "X-Request-ID", "r1")); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503 by the policy", w.Code)
	}
	store.fail.Store(false)
	serve(h, request("192.0.2.1:1"))
	out := logs.String()
	if !strings.Contains(out, "store could not decide this request") || !strings.Contains(out, "WRONGTYPE") ||
		strings.Contains(out, "unavailable") || strings.Contains(out, "recovered") {
		t.Fatalf("logs:\n%s\nwant one line about the request, and no outage", out)
	}
}

// TestClientGone: a store error on a request whose client has left is
// answered as canceled and is not logged as an outage.
func TestClientGone(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	store := new(failingStore)
	store.fail.Store(true)
	h := ratelimit.PerSecond(5, ratelimit.WithStore(store), ratelimit.WithName("failing"), ratelimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))(ok)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := serve(h, request("192.0.2.1:1").WithContext(ctx))
	if w.Code != 499 || logs.Len() != 0 {
		t.Fatalf("status %d, logs %q; want 499 and nothing logged", w.Code, logs.String())
	}
}

// TestStoreFailureComposition checks a composition while the outer
// limiter's store is unavailable: it falls back to its memory store, and
// when a limiter further in refuses, the tokens go back to that memory
// store, so the refused request costs the client nothing.
func TestStoreFailureComposition(t *testing.T) {
	t.Parallel()
	store := new(failingStore)
	store.fail.Store(true)
	outer := ratelimit.PerMinute(2, ratelimit.WithStore(store), ratelimit.WithName("failing"), ratelimit.WithLogger(slog.New(slog.DiscardHandler)))
	inner := ratelimit.PerMinute(1)
	both, outerOnly := outer(inner(ok)), outer(ok)
	for i, want := range []int{http.StatusNoContent, http.StatusTooManyRequests} {
		if w := serve(both, request("192.0.2.1:1")); w.Code != want {
			t.Fatalf("request %d through both: status %d, want %d", i, w.Code, want)
		}
	}
	// The refused request's token went back to the fallback: one is left.
	w := serve(outerOnly, request("192.0.2.1:1"))
	if w.Code != http.StatusNoContent || w.Header().Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("after the refusal: status %d, remaining %q; want 204 and 0", w.Code, w.Header().Get("X-RateLimit-Remaining"))
	}
	if w := serve(outerOnly, request("192.0.2.1:1")); w.Code != http.StatusTooManyRequests {
		t.Fatalf("past the limit: status %d, want 429", w.Code)
	}
}
