package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v5"
	echomw "github.com/labstack/echo/v5/middleware"
	"github.com/ulule/limiter/v3"
	ulgin "github.com/ulule/limiter/v3/drivers/middleware/gin"
	ulmemory "github.com/ulule/limiter/v3/drivers/store/memory"

	"github.com/apierror/apierror/echoapierror"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/ratelimit"
)

// The adapter benchmarks: the gin and echo stacks of the gin and echo
// modules against each framework with its own error handling (and its own
// or the usual third-party rate limiter), on four requests: a success (a
// small JSON body), a handler's 404 error, a router miss, and a success
// through a rate limiter. Each case's status is checked before the clock
// starts.

// adapterCase is one request of the adapter benchmarks and the status it
// must answer.
type adapterCase struct {
	name, path string
	status     int
}

var adapterCases = []adapterCase{
	{"success", "/items/1", http.StatusOK},
	{"error", "/missing/1", http.StatusNotFound},
	{"nomatch", "/nowhere", http.StatusNotFound},
	{"ratelimit", "/limited/1", http.StatusOK},
}

// ginEngines are bare gin (its own c.JSON error body, its 404 text, ulule's
// gin middleware) and gin with the gin module's stack (an *errresp.Error
// through c.Error, the envelope 404, the core limiter through Wrap).
func ginEngines() map[string]http.Handler {
	gin.SetMode(gin.ReleaseMode)
	item := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "name": "web-1"}) }

	bare := gin.New()
	bare.GET("/items/:id", item)
	bare.GET("/missing/:id", func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "item not found"}) })
	ul := limiter.New(ulmemory.NewStore(), limiter.Rate{Period: time.Second, Limit: benchRate})
	bare.GET("/limited/:id", ulgin.NewMiddleware(ul), item)

	ours := gin.New()
	ginapierror.Mount(ours, errresp.Default)
	ours.GET("/items/:id", item)
	ours.GET("/missing/:id", func(c *gin.Context) { _ = c.Error(errresp.New(errresp.NotFound, "item not found")) })
	ours.GET("/limited/:id", ginapierror.Wrap(ratelimit.PerSecond(benchRate)), item)
	return map[string]http.Handler{"gin": bare, "ours": ours}
}

// echoServers are bare echo v5 (echo.NewHTTPError through its default
// error handler, its own RateLimiter) and echo with the echo module's stack.
func echoServers() map[string]http.Handler {
	item := func(c *echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id"), "name": "web-1"})
	}

	bare := echo.New()
	bare.GET("/items/:id", item)
	bare.GET("/missing/:id", func(c *echo.Context) error { return echo.NewHTTPError(http.StatusNotFound, "item not found") })
	bare.GET("/limited/:id", item, echomw.RateLimiter(echomw.NewRateLimiterMemoryStore(float64(benchRate))))

	ours := echo.New()
	echoapierror.Mount(ours, errresp.Default)
	ours.GET("/items/:id", item)
	ours.GET("/missing/:id", func(c *echo.Context) error { return errresp.New(errresp.NotFound, "item not found") })
	ours.GET("/limited/:id", item, echoapierror.Wrap(ratelimit.PerSecond(benchRate)))
	return map[string]http.Handler{"echo": bare, "ours": ours}
}

// benchAdapter runs each case through each handler, serially, after
// checking its status once.
func benchAdapter(b *testing.B, handlers map[string]http.Handler, peer string) {
	for _, c := range adapterCases {
		b.Run("case="+c.name, func(b *testing.B) {
			for _, name := range []string{peer, "ours"} {
				h := handlers[name]
				b.Run("impl="+name, func(b *testing.B) {
					r := httptest.NewRequest(http.MethodGet, c.path, nil)
					r.RemoteAddr = "10.0.0.1:40000"
					w := newDiscardWriter()
					h.ServeHTTP(w, r)
					if w.status != c.status {
						b.Fatalf("%s %s: status %d, want %d", name, c.path, w.status, c.status)
					}
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						w.reset()
						h.ServeHTTP(w, r)
					}
				})
			}
		})
	}
}

// BenchmarkGin compares gin alone with gin and the gin module's stack.
func BenchmarkGin(b *testing.B) { benchAdapter(b, ginEngines(), "gin") }

// BenchmarkEcho compares echo v5 alone with echo and the echo module's stack.
func BenchmarkEcho(b *testing.B) { benchAdapter(b, echoServers(), "echo") }

// TestAdapterPeers checks every case of the adapter benchmarks on every
// handler: the status, and for ours an envelope.
func TestAdapterPeers(t *testing.T) {
	for _, hs := range []map[string]http.Handler{ginEngines(), echoServers()} {
		for name, h := range hs {
			for _, c := range adapterCases {
				w := httptest.NewRecorder()
				r := httptest.NewRequest(http.MethodGet, c.path, nil)
				r.RemoteAddr = "10.0.0.1:40000"
				h.ServeHTTP(w, r)
				if w.Code != c.status {
					t.Fatalf("%s %s: %d %s", name, c.path, w.Code, w.Body)
				}
				if name == "ours" && c.status >= 400 && errresp.DecodeBody(w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()).Kind != errresp.NotFound {
					t.Fatalf("%s %s: not an envelope: %s", name, c.path, w.Body)
				}
			}
		}
	}
}
