package storetest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/ratelimit"
)

// headerCases check that the headers of every response that passes stacked
// limiters name the binding limit of all of them: the fewest remaining,
// then the bucket that takes longer to fill.
var headerCases = []struct {
	name string
	run  func(t *testing.T, clock *Clock, with optsFunc)
}{
	{"stacked limiters: every 200 names the binding limit", func(t *testing.T, clock *Clock, with optsFunc) {
		both := ratelimit.WithHeaders(ratelimit.XRateLimitHeaders | ratelimit.IETFHeaders)
		r := chi.NewRouter()
		r.Route("/g", func(r chi.Router) {
			r.Use(ratelimit.PerMinute(5, with("g", both)...))
			r.With(ratelimit.PerMinute(3, with("g-route", both)...)).Get("/route", ok)
			r.Get("/sibling", ok)
		})
		r.With(ratelimit.PerSecond(3, with("tie-second", both)...), ratelimit.PerMinute(3, with("tie-minute", both)...)).Get("/tie", ok)
		r.Route("/h", func(r chi.Router) {
			r.Use(ratelimit.PerMinute(100, with("h", both)...))
			r.With(ratelimit.PerMinute(3, with("h-route", both)...)).Get("/route", ok)
		})
		c := client{t: t, h: r, addr: "192.0.2.20:1"}
		for range 3 {
			c.want("/g/sibling", 200, "")
		}
		// The group has 2 left, the route 3: the group binds.
		c.want("/g/route", 200, "")
		c.wantHeader("X-Ratelimit-Limit", "5")
		c.wantHeader("X-Ratelimit-Remaining", "1")
		c.wantHeader("Ratelimit", `"5-per-1m0s";r=1;t=48`)
		c.want("/g/route", 200, "")
		c.wantHeader("X-Ratelimit-Limit", "5")
		c.wantHeader("X-Ratelimit-Remaining", "0")
		c.want("/g/route", 429, "12")
		c.wantHeader("X-Ratelimit-Limit", "5")
		// The route binds: 3 a minute inside 100 a minute.
		for i := range 3 {
			c.want("/h/route", 200, "")
			c.wantHeader("X-Ratelimit-Limit", "3")
			c.wantHeader("X-Ratelimit-Remaining", strconv.Itoa(2-i))
		}
		// A tie on remaining: the per-minute bucket takes longer to fill.
		c.want("/tie", 200, "")
		c.wantHeader("X-Ratelimit-Remaining", "2")
		c.wantHeader("X-Ratelimit-Reset", "20")
		c.wantHeader("Ratelimit", `"3-per-1m0s";r=2;t=20`)
	}},
	{"64 concurrent requests through stacked limiters: every 200 names the binding limit", func(t *testing.T, clock *Clock, with optsFunc) {
		r := chi.NewRouter()
		r.Route("/g", func(r chi.Router) { // the group binds
			r.Use(ratelimit.PerMinute(10, with("g")...))
			r.With(ratelimit.PerMinute(100, with("g-route")...)).Get("/route", ok)
			r.Get("/sibling", ok)
		})
		r.Route("/h", func(r chi.Router) { // the route binds
			r.Use(ratelimit.PerMinute(100, with("h")...))
			r.With(ratelimit.PerMinute(5, with("h-route")...)).Get("/route", ok)
		})
		c := client{t: t, h: r, addr: "192.0.2.21:1"}
		for range 5 {
			c.want("/g/sibling", 200, "")
		}
		for _, path := range []string{"/g/route", "/h/route"} {
			var mu sync.Mutex
			var wg sync.WaitGroup
			var remaining []int
			refused := 0
			start := make(chan struct{})
			for range 64 {
				wg.Go(func() {
					<-start
					w := httptest.NewRecorder()
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.RemoteAddr = c.addr
					r.ServeHTTP(w, req)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case w.Code == 200 && w.Header().Get("X-Ratelimit-Limit") == map[string]string{"/g/route": "10", "/h/route": "5"}[path]:
						n, _ := strconv.Atoi(w.Header().Get("X-Ratelimit-Remaining"))
						remaining = append(remaining, n)
					case w.Code == 429:
						refused++
					default:
						t.Errorf("GET %s: %d with headers %v", path, w.Code, w.Header())
					}
				})
			}
			close(start)
			wg.Wait()
			slices.Sort(remaining)
			if !slices.Equal(remaining, []int{0, 1, 2, 3, 4}) || refused != 59 {
				t.Errorf("GET %s: the 200s said remaining %v and %d were refused; want 0 to 4 once each, and 59", path, remaining, refused)
			}
		}
	}},
}
