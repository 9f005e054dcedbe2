package redisstore

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// TestStackedFlood: two limiters mounted one directly around the other
// (a generous one outside, 3 a minute inside), in two instances of a
// service with a store each: once the inner limit is spent, a flood of
// 4,000 requests is refused by the inner limiter's answer, at a cost of at
// most 0.05 script calls a request for both limiters together, and the
// outer limiter's bucket is left as the three allowed requests left it.
func TestStackedFlood(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	inner := []ratelimit.Limit{{Events: 3, Period: time.Minute, Name: "inner"}}
	outer := []ratelimit.Limit{{Events: 10_000, Period: 10_000 * time.Hour, Name: "outer"}} // no token back during the test
	var handlers [2]http.Handler
	var stores [2]*Store
	for i := range handlers {
		stores[i] = testStore(t, newClient(t, srv.Addr(), true), WithTimeout(DefaultTimeout))
		ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
		handlers[i] = ratelimit.New(outer, ratelimit.WithStore(stores[i]), ratelimit.WithName("outer"))(
			ratelimit.New(inner, ratelimit.WithStore(stores[i]), ratelimit.WithName("inner"))(ok))
	}
	serve := func(i int) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		r.RemoteAddr = "192.0.2.7:1234"
		w := httptest.NewRecorder()
		handlers[i%2].ServeHTTP(w, r)
		return w
	}
	for i := range 3 {
		if w := serve(i); w.Code != http.StatusOK {
			t.Fatalf("request %d before the flood: %d", i, w.Code)
		}
	}
	before := scriptCalls(t, admin)
	floodServe(t, func(g int) string {
		w := serve(g)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("X-RateLimit-Limit") != "3" {
			return fmt.Sprintf("%d, X-RateLimit-Limit %q; want 429 by the inner limit", w.Code, w.Header().Get("X-RateLimit-Limit"))
		}
		return ""
	})
	n := scriptCalls(t, admin) - before
	t.Logf("%d requests through two stacked limiters refused at the cost of %d script calls", floodRequests, n)
	if float64(n) > maxScriptsPerRequest*floodRequests {
		t.Errorf("the flood cost %d script calls (%.3f a request); want at most %v a request", n, float64(n)/floodRequests, maxScriptsPerRequest)
	}
	// The outer bucket holds the three allowed requests' tokens, no more.
	// Its key is the limiter's identity (its name and what its limits
	// count: 10,000 events, the period, the capacity) and the client's.
	d, err := stores[0].Peek(t.Context(), "outer/10000/10000h0m0s/10000:ip:192.0.2.7", outer, 1)
	if err != nil || d.Remaining != 10_000-3-1 {
		t.Errorf("outer bucket after the flood: %+v, %v; want %d remaining after one more", d, err, 10_000-4)
	}
}

// floodServe sends floodRequests requests from 64 goroutines, each by
// serve(goroutine), which says what is wrong with its answer ("" if
// nothing); the first wrong answer fails the test.
func floodServe(t *testing.T, serve func(g int) string) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		bad  atomic.Int64
	)
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= floodRequests {
				if msg := serve(g); msg != "" && bad.Add(1) == 1 {
					t.Errorf("a request of the flood: %s", msg)
				}
			}
		}()
	}
	wg.Wait()
}
