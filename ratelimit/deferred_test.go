package ratelimit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// cachingStore is a store that knows its refusals without a round trip
// (ratelimit.RefusalCache), exactly: Refused peeks the memory store behind
// it. It counts the calls that would be round trips to a shared store.
type cachingStore struct {
	ratelimit.Store // a *MemoryStore, called as any Store
	trips           atomic.Int64
	blind           atomic.Bool // Refused knows nothing while set
}

func (s *cachingStore) Take(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	s.trips.Add(1)
	return s.Store.Take(ctx, key, limits, cost)
}

func (s *cachingStore) Refund(ctx context.Context, key string, limits []ratelimit.Limit, cost int) error {
	s.trips.Add(1)
	return s.Store.Refund(ctx, key, limits, cost)
}

func (s *cachingStore) Refused(key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, bool) {
	if s.blind.Load() {
		return ratelimit.Decision{}, false
	}
	d, err := s.Store.Peek(context.Background(), key, limits, cost)
	return d, err == nil && !d.Allowed
}

var (
	groupLimits = []ratelimit.Limit{{Events: 100, Period: time.Minute}}
	routeLimits = []ratelimit.Limit{{Events: 2, Period: time.Minute}}
)

const groupKey = "group/100/1m0s/100:ip:192.0.2.7"

// apart is a service with a group's limiter and a route's limiter mounted
// apart, with the middleware mw between them.
func apart(c *storetest.Clock, s *cachingStore, mw func(http.Handler) http.Handler) http.Handler {
	opts := func(name string) []ratelimit.Option {
		return []ratelimit.Option{ratelimit.WithStore(s), ratelimit.WithClock(c.Now), ratelimit.WithName(name)}
	}
	r := chi.NewRouter()
	r.Group(func(g chi.Router) {
		g.Use(ratelimit.New(groupLimits, opts("group")...), mw)
		g.With(ratelimit.New(routeLimits, opts("route")...)).Get("/limited", ok)
	})
	return r
}

// answering is middleware that runs between(r) first: a non-zero status
// answers the request there.
func answering(between func(*http.Request) int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if code := between(r); code != 0 {
				w.WriteHeader(code)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func newCaching(c *storetest.Clock) *cachingStore {
	return &cachingStore{Store: ratelimit.NewMemoryStore(ratelimit.MemoryClock(c.Now))}
}

func get(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/limited", nil)
	r.RemoteAddr = "192.0.2.7:1234"
	return serve(h, r)
}

// TestApartRefusalLocal: once the route's limiter refuses a client, its
// refusals cost no round trip for either limiter, and each is the answer
// the same stack gives when no refusal is known locally, to the header
// and the byte, at every instant.
func TestApartRefusalLocal(t *testing.T) {
	c := new(storetest.Clock)
	s, twin := newCaching(c), newCaching(c)
	twin.blind.Store(true)
	none := func(*http.Request) int { return 0 }
	h, th := apart(c, s, answering(none)), apart(c, twin, answering(none))
	for i := range 2 {
		if w, tw := get(h), get(th); w.Code != http.StatusNoContent || tw.Code != w.Code {
			t.Fatalf("request %d: %d and %d, want 204", i, w.Code, tw.Code)
		}
	}
	before := s.trips.Load()
	for _, step := range []time.Duration{0, time.Nanosecond, 7 * time.Second, 22 * time.Second} {
		c.Advance(step)
		w, tw := get(h), get(th)
		if w.Code != http.StatusTooManyRequests || w.Body.String() != tw.Body.String() || !sameHeaders(w.Header(), tw.Header()) {
			t.Errorf("+%v: refused locally %d %v %s\nwithout the cache %d %v %s", step, w.Code, w.Header(), w.Body, tw.Code, tw.Header(), tw.Body)
		}
	}
	if n := s.trips.Load() - before; n != 0 {
		t.Errorf("refusals known locally cost %d store calls, want 0", n)
	}
	d, _ := s.Peek(t.Context(), groupKey, groupLimits, 1)
	if td, _ := twin.Peek(t.Context(), groupKey, groupLimits, 1); d != td {
		t.Errorf("group bucket after the refusals: %+v, without the cache %+v", d, td)
	}
}

func sameHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a.Get(k) != b.Get(k) {
			return false
		}
	}
	return true
}

// TestApartSettle: the group's limiter defers its take when the route's
// limiter is known to refuse; what happens between the two is honoured.
func TestApartSettle(t *testing.T) {
	c := new(storetest.Clock)
	s := newCaching(c)
	var action atomic.Value // func(*http.Request) int
	action.Store(func(*http.Request) int { return 0 })
	h := apart(c, s, answering(func(r *http.Request) int { return action.Load().(func(*http.Request) int)(r) }))
	for range 2 {
		if w := get(h); w.Code != http.StatusNoContent {
			t.Fatalf("before: %d", w.Code)
		}
	}
	left := func() int { return groupLeft(t, s) }

	// The route's refusal is forgotten on the way (the group's limiter
	// deferred on it): the group's take is made, then given back when the
	// route's limiter refuses.
	action.Store(func(*http.Request) int { s.blind.Store(true); return 0 })
	if w := get(h); w.Code != http.StatusTooManyRequests || w.Header().Get("X-RateLimit-Limit") != "2" {
		t.Errorf("route refusing after the take: %d, limit %q; want 429 by the route's limit", w.Code, w.Header().Get("X-RateLimit-Limit"))
	}
	s.blind.Store(false)
	if n := left(); n != 100-2 {
		t.Errorf("group bucket after a refusal: %d left, want %d", n, 100-2)
	}

	// The route's refusal is forgotten and the group's limit spent on the
	// way: the deferred take is refused, and the group's limiter answers.
	action.Store(func(r *http.Request) int {
		s.blind.Store(true)
		_, _ = s.Store.Take(r.Context(), groupKey, groupLimits, 98)
		return 0
	})
	if w := get(h); w.Code != http.StatusTooManyRequests || w.Header().Get("X-RateLimit-Limit") != "100" {
		t.Errorf("group spent on the way: %d, limit %q; want 429 by the group's limit", w.Code, w.Header().Get("X-RateLimit-Limit"))
	}
	s.blind.Store(false)
	action.Store(func(*http.Request) int { return 0 })
	c.Advance(time.Minute) // both buckets full again

	// A request the middleware answers itself counts against the group's
	// limit when it returns, as it would have had the group's limiter
	// taken first.
	_ = get(h)
	_ = get(h) // the route's limit is spent; the group has 98 left
	action.Store(func(*http.Request) int { return http.StatusForbidden })
	before := left()
	// The group's limiter deferred its take (the route refuses the
	// client), so the 403 carries no rate-limit headers: they would have
	// been set before the middleware answered.
	if w := get(h); w.Code != http.StatusForbidden || w.Header().Get("X-RateLimit-Limit") != "" {
		t.Errorf("answered between: %d, limit %q; want 403 without headers", w.Code, w.Header().Get("X-RateLimit-Limit"))
	}
	if n := left(); n != before-1 {
		t.Errorf("group bucket after a request answered between: %d left, want %d", n, before-1)
	}
}

// TestApartDetached: the middleware between the limiters answers and
// returns while the rest of the request runs on (as middleware.Timeout
// does when the handler is late). The group's limiter, having deferred its
// take, takes when it returns, once; the route's limiter, reached after
// that, refuses without giving it back, as it would had the group's
// limiter taken first (a limiter that has returned has left the request).
// No data race (run with -race).
func TestApartDetached(t *testing.T) {
	c := new(storetest.Clock)
	s := newCaching(c)
	var (
		detach   atomic.Bool
		release  = make(chan struct{})
		finished = make(chan int)
	)
	h := apart(c, s, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !detach.Load() {
				next.ServeHTTP(w, r)
				return
			}
			go func() {
				<-release
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				finished <- rec.Code
			}()
			w.WriteHeader(http.StatusGatewayTimeout)
		})
	})
	for range 2 {
		if w := get(h); w.Code != http.StatusNoContent {
			t.Fatalf("before: %d", w.Code)
		}
	}
	left := func() int { return groupLeft(t, s) }
	detach.Store(true)
	if w := get(h); w.Code != http.StatusGatewayTimeout {
		t.Fatalf("detached: %d, want 504", w.Code)
	}
	if n := left(); n != 100-3 {
		t.Errorf("group bucket once the group's limiter returned: %d left, want %d (taken when it returned)", n, 100-3)
	}
	close(release)
	if code := <-finished; code != http.StatusTooManyRequests {
		t.Errorf("the route's limiter, reached later: %d, want 429", code)
	}
	if n := left(); n != 100-3 {
		t.Errorf("group bucket after the route's refusal: %d left, want %d (taken once)", n, 100-3)
	}
}

// groupLeft is how many requests the group's bucket in s allows now.
func groupLeft(t *testing.T, s *cachingStore) int {
	t.Helper()
	d, err := s.Peek(t.Context(), groupKey, groupLimits, 1)
	if err != nil {
		t.Fatal(err)
	}
	return d.Remaining + 1
}
