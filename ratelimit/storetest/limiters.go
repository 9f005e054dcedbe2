package storetest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

// RunLimiters drives ratelimit's middleware on the stores newStore builds,
// on fixed instants: limiters stacked in a chain and on a group and a route
// compose (a refusal takes nothing from the others; Retry-After and the
// headers name the binding limit with its true wait); limiters built apart
// never share buckets unless they share a name, and a group's limiter limits
// the group as a whole; ByAPIKey never puts requests without its header in
// one bucket; 64 goroutines on one key through stacked limiters get
// exactly the limit through; and the headers of every response that passes
// stacked limiters name the binding limit, one at a time and under 64
// concurrent requests.
func RunLimiters(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	_, s := open(t, newStore)
	runNeedsName(t, s)
	for _, tc := range slices.Concat(limiterCases, headerCases, nameCases) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock, s := open(t, newStore)
			tc.run(t, clock, func(name string, opts ...ratelimit.Option) []ratelimit.Option {
				return append([]ratelimit.Option{ratelimit.WithStore(s), ratelimit.WithName(t.Name() + "/" + name),
					ratelimit.WithClock(clock.Now), ratelimit.WithResetSeconds()}, opts...)
			})
		})
	}
}

// optsFunc returns a limiter's options on the case's store and clock, named
// name within the case, then opts.
type optsFunc func(name string, opts ...ratelimit.Option) []ratelimit.Option

var limiterCases = []struct {
	name string
	run  func(t *testing.T, clock *Clock, with optsFunc)
}{
	{"chained limiters: a refusal takes nothing and names the binding limit", func(t *testing.T, clock *Clock, with optsFunc) {
		r := chi.NewRouter()
		r.With(ratelimit.PerSecond(2, with("second")...), ratelimit.PerMinute(4, with("minute")...)).Get("/x", ok)
		c := client{t: t, h: r, addr: "192.0.2.1:1"}
		c.want("/x", 200, "")
		c.want("/x", 200, "")
		// The per-second limit binds: half a second until a token.
		c.want("/x", 429, "1")
		c.wantHeader("X-Ratelimit-Limit", "2")
		clock.Advance(time.Second)
		c.want("/x", 200, "")
		c.want("/x", 200, "")
		// Both refuse; the per-minute limit's wait (14 s) is the true one.
		c.want("/x", 429, "14")
		c.wantHeader("X-Ratelimit-Limit", "4")
		c.wantBody("4 per minute")
		clock.Advance(time.Second)
		// The per-second limit allows, the per-minute one refuses: nothing
		// is taken from the per-second limit, however often this happens.
		for range 5 {
			c.want("/x", 429, "13")
			c.wantHeader("X-Ratelimit-Limit", "4")
		}
		clock.Advance(13 * time.Second)
		c.want("/x", 200, "")
	}},
	{"group and route limiters: a refusal further in takes nothing further out", func(t *testing.T, clock *Clock, with optsFunc) {
		r := chi.NewRouter()
		r.Route("/g", func(r chi.Router) {
			r.Use(ratelimit.PerMinute(4, with("group")...))
			r.With(ratelimit.PerSecond(2, with("route")...)).Get("/x", ok)
		})
		c := client{t: t, h: r, addr: "192.0.2.2:1"}
		c.want("/g/x", 200, "")
		c.want("/g/x", 200, "")
		for range 5 {
			c.want("/g/x", 429, "1") // the route's per-second limit
			c.wantHeader("X-Ratelimit-Limit", "2")
		}
		clock.Advance(time.Second)
		// The group's per-minute limit still has its last two tokens.
		c.want("/g/x", 200, "")
		c.want("/g/x", 200, "")
		c.want("/g/x", 429, "14")
		c.wantHeader("X-Ratelimit-Limit", "4")
	}},
	{"limiters built apart do not share buckets", func(t *testing.T, clock *Clock, with optsFunc) {
		r := chi.NewRouter()
		r.With(ratelimit.PerMinute(2, with("a")...)).Get("/a", ok)
		r.With(ratelimit.PerMinute(2, with("b")...)).Get("/b", ok)
		r.With(ratelimit.PerMinute(2, with("shared")...)).Get("/c", ok)
		r.With(ratelimit.PerMinute(2, with("shared")...)).Get("/d", ok)
		r.Group(func(r chi.Router) {
			r.Use(ratelimit.PerMinute(2, with("group")...))
			r.Get("/g1", ok)
			r.Get("/g2", ok)
		})
		c := client{t: t, h: r, addr: "192.0.2.3:1"}
		c.want("/a", 200, "")
		c.want("/a", 200, "")
		c.want("/a", 429, "30")
		c.want("/b", 200, "")
		c.want("/b", 200, "")
		c.want("/b", 429, "30")
		// The same name is the same buckets.
		c.want("/c", 200, "")
		c.want("/d", 200, "")
		c.want("/c", 429, "30")
		c.want("/d", 429, "30")
		// A group's limiter limits the group as a whole.
		c.want("/g1", 200, "")
		c.want("/g2", 200, "")
		c.want("/g1", 429, "30")
		c.want("/g2", 429, "30")
	}},
	{"limiters below the per-request state compose without copying the request", func(t *testing.T, clock *Clock, with optsFunc) {
		var begun, seen *http.Request
		inner := ratelimit.PerSecond(2, with("inner")...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = r
			ok(w, r)
		}))
		// A handler between the limiters keeps them apart, as routing does.
		h := ratelimit.PerMinute(4, with("outer")...)(http.HandlerFunc(inner.ServeHTTP))
		// The per-request state, made for a handler that serves some
		// requests twice: what the limiters recorded for the first time
		// does not leak into the second.
		twice := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w, req = errresp.Begin(w, req)
			begun = req
			h.ServeHTTP(w, req)
			if req.URL.Query().Has("twice") {
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
		c := client{t: t, h: twice, addr: "192.0.2.9:1"}
		c.want("/g/x", 200, "")
		if seen != begun {
			t.Fatal("the limiters served a copy of the request, with a context of its own")
		}
		c.want("/g/x?twice", 200, "") // 3 of 4 and 2 of 2 taken
		for range 5 {
			c.want("/g/x", 429, "1") // the route's per-second limit
		}
		clock.Advance(time.Second)
		// The outer per-minute limit still has its last two tokens: the
		// refusals, the second service of a request among them, took
		// nothing from it.
		c.want("/g/x", 200, "")
		c.want("/g/x", 200, "")
		c.want("/g/x", 429, "14")
		c.wantHeader("X-Ratelimit-Limit", "4")
	}},
	{"requests without the API key header do not share a bucket", func(t *testing.T, clock *Clock, with optsFunc) {
		h := ratelimit.PerMinute(1, with("apikey", ratelimit.WithKey(ratelimit.ByAPIKey("")))...)(http.HandlerFunc(ok))
		a := client{t: t, h: h, addr: "192.0.2.4:1", header: []string{"Authorization", "Bearer key-a"}}
		b := client{t: t, h: h, addr: "192.0.2.5:1", header: []string{"Authorization", "Bearer key-b"}}
		a.want("/", 200, "")
		a.want("/", 429, "60")
		b.want("/", 200, "")
		k := client{t: t, h: h, addr: "192.0.2.4:1", header: []string{"X-API-Key", "key-a"}}
		k.want("/", 200, "")
		// By credential, one key in any header is one bucket.
		hc := ratelimit.PerMinute(1, with("credential", ratelimit.WithKey(ratelimit.ByCredential()))...)(http.HandlerFunc(ok))
		c1 := client{t: t, h: hc, addr: "192.0.2.6:1", header: []string{"X-API-Key", "key-c"}}
		c2 := client{t: t, h: hc, addr: "192.0.2.7:1", header: []string{"Authorization", "APIKey key-c"}}
		c1.want("/", 200, "")
		c2.want("/", 429, "60")
	}},
	{"64 goroutines on one key through stacked limiters", func(t *testing.T, clock *Clock, with optsFunc) {
		r := chi.NewRouter()
		r.Route("/g", func(r chi.Router) {
			r.Use(ratelimit.PerHour(40, with("group")...))
			r.With(ratelimit.PerHour(100, with("wide")...), ratelimit.PerHour(25, with("narrow")...)).Get("/x", ok)
			r.Get("/y", ok)
		})
		var passed, refused atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for range 8 {
					w := httptest.NewRecorder()
					req := httptest.NewRequest(http.MethodGet, "/g/x", nil)
					req.RemoteAddr = "192.0.2.8:1"
					r.ServeHTTP(w, req)
					switch w.Code {
					case 200:
						passed.Add(1)
					case 429:
						refused.Add(1)
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		if passed.Load() != 25 || refused.Load() != 64*8-25 {
			t.Fatalf("%d passed and %d refused; want exactly 25 and %d", passed.Load(), refused.Load(), 64*8-25)
		}
		// Nothing the refused requests took remains taken: the group's
		// limit (40, of which 25 used) lets exactly 15 more through on a
		// route of the group without limits of its own.
		c := client{t: t, h: r, addr: "192.0.2.8:1"}
		for range 15 {
			c.want("/g/y", 200, "")
		}
		c.want("/g/y", 429, "90")
	}},
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }

// client sends requests from one address and checks the answers.
type client struct {
	t      *testing.T
	h      http.Handler
	addr   string
	header []string
	last   *httptest.ResponseRecorder
}

// want sends GET path and checks the status and, when retry is not empty,
// Retry-After.
func (c *client) want(path string, status int, retry string) {
	c.t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = c.addr
	for i := 0; i+1 < len(c.header); i += 2 {
		r.Header.Set(c.header[i], c.header[i+1])
	}
	c.last = httptest.NewRecorder()
	c.h.ServeHTTP(c.last, r)
	if c.last.Code != status {
		c.t.Fatalf("GET %s from %s: status %d, want %d (headers %v, body %s)", path, c.addr, c.last.Code, status, c.last.Header(), c.last.Body)
	}
	if got := c.last.Header().Get("Retry-After"); retry != "" && got != retry {
		c.t.Fatalf("GET %s from %s: Retry-After %q, want %q (headers %v)", path, c.addr, got, retry, c.last.Header())
	}
}

func (c *client) wantHeader(k, v string) {
	c.t.Helper()
	if got := c.last.Header().Get(k); got != v {
		c.t.Fatalf("%s: %q, want %q (headers %v)", k, got, v, c.last.Header())
	}
}

func (c *client) wantBody(s string) {
	c.t.Helper()
	if !strings.Contains(c.last.Body.String(), s) {
		c.t.Fatalf("body %s: want %q in it", c.last.Body, s)
	}
}
