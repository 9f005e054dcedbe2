package storetest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/ratelimit"
)

// nameCases check a limiter's identity on the store: its name and limits,
// which neither the place in the code that builds it nor a second build of
// the router changes, and which two limiters built apart never share by
// accident.
var nameCases = []struct {
	name string
	run  func(t *testing.T, clock *Clock, with optsFunc)
}{
	{"names: two builds and a router built twice share buckets", func(t *testing.T, clock *Clock, with optsFunc) {
		// Two builds of one service, the second with a line added above
		// the limiter: the limiter is built from another place in the code.
		build1 := ratelimit.PerMinute(3, with("search")...)(http.HandlerFunc(ok))

		build2 := ratelimit.PerMinute(3, with("search")...)(http.HandlerFunc(ok))
		c1 := client{t: t, h: build1, addr: "192.0.2.40:1"}
		c2 := client{t: t, h: build2, addr: "192.0.2.40:1"}
		c1.want("/", 200, "")
		c2.want("/", 200, "")
		c1.want("/", 200, "")
		c2.want("/", 429, "20")
		// One router built twice in one process, by one function.
		router := func() http.Handler {
			r := chi.NewRouter()
			r.With(ratelimit.PerMinute(2, with("route")...)).Get("/x", ok)
			return r
		}
		a := client{t: t, h: router(), addr: "192.0.2.41:1"}
		b := client{t: t, h: router(), addr: "192.0.2.41:1"}
		a.want("/x", 200, "")
		b.want("/x", 200, "")
		a.want("/x", 429, "30")
		b.want("/x", 429, "30")
	}},
	{"names: limiters built apart never merge", func(t *testing.T, clock *Clock, with optsFunc) {
		r := chi.NewRouter()
		r.With(ratelimit.PerMinute(2, with("a")...)).Get("/a", ok)
		r.With(ratelimit.PerMinute(2, with("b")...)).Get("/b", ok)
		// One name given twice by mistake, with other limits: apart.
		r.With(ratelimit.PerMinute(2, with("dup")...)).Get("/dup2", ok)
		r.With(ratelimit.PerMinute(3, with("dup")...)).Get("/dup3", ok)
		c := client{t: t, h: r, addr: "192.0.2.42:1"}
		for _, p := range []string{"/a", "/b", "/dup2"} {
			c.want(p, 200, "")
			c.want(p, 200, "")
			c.want(p, 429, "30")
		}
		for range 3 {
			c.want("/dup3", 200, "")
		}
		c.want("/dup3", 429, "20")
	}},
}

// runNeedsName checks that a limiter on s, unless s is a MemoryStore, must
// be named.
func runNeedsName(t *testing.T, s ratelimit.Store) {
	if _, inMemory := s.(*ratelimit.MemoryStore); inMemory {
		return // a MemoryStore lives in one process: a name is optional
	}
	t.Run("names: a store shared between processes needs a name", func(t *testing.T) {
		defer func() {
			v := recover()
			if s, _ := v.(string); !strings.Contains(s, "needs WithName") {
				t.Fatalf("New without a name on a shared store: recovered %v, want a panic asking for WithName", v)
			}
		}()
		ratelimit.PerMinute(2, ratelimit.WithStore(s))
		t.Fatal("New did not panic")
	})
}
