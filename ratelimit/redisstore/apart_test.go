package redisstore

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/ratelimit"
)

// TestApartFlood: a group's limiter and a route's limiter mounted apart,
// with other middleware between them (as a service mounts a limit for
// every route of a group and a tighter one on some routes), in two
// instances of a service with a store each. Once the route's limit is
// spent, a flood of 4,000 requests from 64 callers is refused by the
// route limiter's answer at a cost of at most 0.05 script calls a request
// for both limiters together; the middleware between them still sees every
// request; the group's bucket is left as the allowed requests left it; a
// sibling route and a request the middleware answers itself still count
// against the group's limit.
func TestApartFlood(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	group := []ratelimit.Limit{{Events: 10_000, Period: 10_000 * time.Hour, Name: "group"}} // no token back during the test
	route := []ratelimit.Limit{{Events: 3, Period: time.Minute, Name: "route"}}
	var (
		handlers [2]http.Handler
		stores   [2]*Store
		between  atomic.Int64 // requests the middleware between the limiters saw
	)
	for i := range handlers {
		stores[i] = testStore(t, newClient(t, srv.Addr(), true), WithTimeout(DefaultTimeout))
		mw := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				between.Add(1)
				if r.Header.Get("X-Deny") != "" {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
		ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }
		r := chi.NewRouter()
		r.Group(func(g chi.Router) {
			g.Use(ratelimit.New(group, ratelimit.WithStore(stores[i]), ratelimit.WithName("group")), mw)
			g.With(ratelimit.New(route, ratelimit.WithStore(stores[i]), ratelimit.WithName("route"))).Get("/limited", ok)
			g.Get("/other", ok)
		})
		handlers[i] = r
	}
	serve := func(i int, path string, h ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = "192.0.2.7:1234"
		for j := 0; j+1 < len(h); j += 2 {
			r.Header.Set(h[j], h[j+1])
		}
		w := httptest.NewRecorder()
		handlers[i%2].ServeHTTP(w, r)
		return w
	}
	for i := range 3 {
		w := serve(i, "/limited")
		if w.Code != http.StatusOK || w.Header().Get("X-RateLimit-Limit") != "3" || w.Header().Get("X-RateLimit-Remaining") != strconv.Itoa(2-i) {
			t.Fatalf("request %d before the flood: %d, limit %q, remaining %q; want 200 naming the route's limit", i, w.Code,
				w.Header().Get("X-RateLimit-Limit"), w.Header().Get("X-RateLimit-Remaining"))
		}
	}
	groupKey := "group/10000/10000h0m0s/10000:ip:192.0.2.7"
	groupLeft := func() int {
		t.Helper()
		d, err := stores[0].Peek(t.Context(), groupKey, group, 1)
		if err != nil {
			t.Fatal(err)
		}
		return d.Remaining + 1
	}
	if n := groupLeft(); n != 10_000-3 {
		t.Fatalf("group bucket before the flood: %d left, want %d", n, 10_000-3)
	}
	between.Store(0)
	before := scriptCalls(t, admin)
	floodServe(t, func(g int) string {
		w := serve(g, "/limited")
		h := w.Header()
		if retry, _ := strconv.Atoi(h.Get("Retry-After")); w.Code != http.StatusTooManyRequests || h.Get("X-RateLimit-Limit") != "3" ||
			h.Get("X-RateLimit-Remaining") != "0" || retry < 1 || retry > 60 {
			return fmt.Sprintf("%d, limit %q, remaining %q, Retry-After %q; want 429 by the route's limit",
				w.Code, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("Retry-After"))
		}
		return ""
	})
	n := scriptCalls(t, admin) - before
	t.Logf("%d requests through a group limiter, middleware and a route limiter refused at the cost of %d script calls (%.4f a request)",
		floodRequests, n, float64(n)/floodRequests)
	if float64(n) > maxScriptsPerRequest*floodRequests {
		t.Errorf("the flood cost %d script calls (%.3f a request); want at most %v a request", n, float64(n)/floodRequests, maxScriptsPerRequest)
	}
	if got := between.Load(); got != floodRequests {
		t.Errorf("the middleware between the limiters saw %d requests of the flood, want %d", got, floodRequests)
	}
	if n := groupLeft(); n != 10_000-3 {
		t.Errorf("group bucket after the flood: %d left, want %d (a refusal takes nothing)", n, 10_000-3)
	}

	// A sibling route has no route limit: it passes, and counts against
	// the group's, whose headers it carries.
	w := serve(0, "/other")
	if w.Code != http.StatusOK || w.Header().Get("X-RateLimit-Limit") != "10000" || w.Header().Get("X-RateLimit-Remaining") != strconv.Itoa(10_000-4) {
		t.Errorf("/other after the flood: %d, limit %q, remaining %q; want 200 naming the group's limit with %d left",
			w.Code, w.Header().Get("X-RateLimit-Limit"), w.Header().Get("X-RateLimit-Remaining"), 10_000-4)
	}
	// A request that the middleware between answers itself never reaches
	// the route limiter; it counts against the group's limit all the same.
	if w := serve(1, "/limited", "X-Deny", "1"); w.Code != http.StatusForbidden {
		t.Errorf("a request the middleware answers: %d, want 403", w.Code)
	}
	if n := groupLeft(); n != 10_000-5 {
		t.Errorf("group bucket after /other and the answered request: %d left, want %d", n, 10_000-5)
	}
}
