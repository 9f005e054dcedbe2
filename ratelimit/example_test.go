package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

// A route allows each client two requests a minute; the third is refused
// with exact headers and a RateLimited envelope.
func ExamplePerMinute() {
	// A fixed clock keeps the output stable; services leave it out.
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	store := ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))

	r := chi.NewRouter()
	r.With(ratelimit.PerMinute(2, ratelimit.WithStore(store), ratelimit.WithClock(now), ratelimit.WithResetSeconds())).
		Get("/search", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "results") })

	for range 3 {
		req := httptest.NewRequest(http.MethodGet, "/search", nil)
		req.RemoteAddr = "203.0.113.5:4000"
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Printf("%d remaining=%s reset=%s retry-after=%q\n", w.Code, w.Header().Get("X-RateLimit-Remaining"),
			w.Header().Get("X-RateLimit-Reset"), w.Header().Get("Retry-After"))
		if w.Code == http.StatusTooManyRequests {
			fmt.Print(w.Body.String())
		}
	}
	// Output:
	// 200 remaining=1 reset=30 retry-after=""
	// 200 remaining=0 reset=60 retry-after=""
	// 429 remaining=0 reset=60 retry-after="30"
	// {"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many requests: the limit is 2 per minute. Retry in 30 s.","code":"rate_limited","limit":2,"policy":"2-per-1m0s","remaining":0,"reset":60}
}

// Two limits on one route, a burst and a daily one, keyed by API key, with
// the IETF fields.
func ExampleNew() {
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	limit := ratelimit.New([]ratelimit.Limit{
		{Events: 1, Period: time.Second, Burst: 5, Name: "burst"},
		{Events: 1000, Period: 24 * time.Hour, Name: "daily"},
	},
		ratelimit.WithKey(ratelimit.ByAPIKey("X-API-Key")),
		ratelimit.WithCost(2),
		ratelimit.WithHeaders(ratelimit.IETFHeaders),
		ratelimit.WithStore(ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))),
	)
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))

	req := httptest.NewRequest(http.MethodPost, "/bulk", nil)
	req.Header.Set("X-API-Key", "sk_live_secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Println(w.Header().Get("RateLimit-Policy"))
	fmt.Println(w.Header().Get("RateLimit"))
	// Output:
	// "burst";q=5;w=5, "daily";q=1000;w=86400
	// "burst";r=3;t=2
}

// A handler checks an account quota it counts itself.
func ExampleQuota() {
	err := ratelimit.Quota("volumes", 9, 2, 10)
	body, status := errresp.Render(errresp.Gcore(), err, "req-1")
	fmt.Println(status)
	fmt.Print(string(body))
	// Output:
	// 403
	// {"exception_class":"QuotaLimitExceed","message":"The request would exceed the volumes quota: 9 in use, 2 requested, limit 10.","request_id":"req-1","info":{"limit":10,"quota":"volumes","requested":2,"requested_total":11,"usage":9}}
}

// The client's address behind a load balancer at 10.0.0.0/8: its
// X-Forwarded-For is trusted, anyone else's is ignored.
func ExampleByIP() {
	key := ratelimit.ByIP(ratelimit.IPTrustProxies("10.0.0.0/8"))
	for _, remote := range []string{"10.0.0.7:5000", "203.0.113.5:4000"} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", "198.51.100.1, 2001:db8:1:2::7")
		k, _ := key(req)
		fmt.Println(k)
	}
	// Output:
	// ip:2001:db8:1:2::/64
	// ip:203.0.113.5
}

// A store decides on explicit instants with TakeAt.
func ExampleMemoryStore_TakeAt() {
	s := ratelimit.NewMemoryStore()
	limits := []ratelimit.Limit{{Events: 10, Period: time.Second}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, _ := s.TakeAt("client", limits, 10, t0)
	fmt.Println(d.Allowed, d.Remaining, d.ResetAfter)
	d, _ = s.TakeAt("client", limits, 3, t0.Add(150*time.Millisecond))
	fmt.Println(d.Allowed, d.Remaining, d.RetryAfter)
	// Output:
	// true 0 1s
	// false 1 150ms
}

// A store failure is not a refusal: here the limiter fails closed.
func ExampleWithStoreErrorPolicy() {
	h := ratelimit.PerSecond(10, ratelimit.WithStore(brokenStore{}), ratelimit.WithName("orders"), ratelimit.WithStoreErrorPolicy(ratelimit.FailClosed))(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Println(w.Code)
	// Output:
	// 503
}

type brokenStore struct{}

func (brokenStore) Take(context.Context, string, []ratelimit.Limit, int) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, fmt.Errorf("%w: connection refused", ratelimit.ErrUnavailable)
}
func (brokenStore) Peek(context.Context, string, []ratelimit.Limit, int) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, fmt.Errorf("%w: connection refused", ratelimit.ErrUnavailable)
}

func (brokenStore) Refund(context.Context, string, []ratelimit.Limit, int) error {
	return fmt.Errorf("%w: connection refused", ratelimit.ErrUnavailable)
}

func (brokenStore) Close() error { return nil }
