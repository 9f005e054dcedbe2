package bench

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/httprate"
	"github.com/sethvargo/go-limiter/httplimit"
	sethvargo "github.com/sethvargo/go-limiter/memorystore"
	"github.com/throttled/throttled/v2"
	"github.com/throttled/throttled/v2/store/memstore"
	"github.com/ulule/limiter/v3"
	ulstdlib "github.com/ulule/limiter/v3/drivers/middleware/stdlib"
	ulmemory "github.com/ulule/limiter/v3/drivers/store/memory"
)

// mwImpl builds a rate-limiting middleware keyed by the client's address.
type mwImpl struct {
	name string
	make func(tb testing.TB, keys int) func(http.Handler) http.Handler
}

// limiterMiddlewares are the rate-limiting middlewares compared, ours first,
// each keyed by the client address (RemoteAddr, no proxy headers trusted)
// and each setting its rate-limit headers on every response, as deployed.
func limiterMiddlewares() []mwImpl {
	return append(oursLimiterMiddlewares(),
		mwImpl{"httprate", func(tb testing.TB, _ int) func(http.Handler) http.Handler {
			return httprate.Limit(benchRate, time.Second, httprate.WithKeyFuncs(httprate.KeyByIP))
		}},
		mwImpl{"ulule", func(tb testing.TB, _ int) func(http.Handler) http.Handler {
			l := limiter.New(ulmemory.NewStore(), limiter.Rate{Period: time.Second, Limit: benchRate})
			return ulstdlib.NewMiddleware(l).Handler
		}},
		mwImpl{"golimiter", func(tb testing.TB, keys int) func(http.Handler) http.Handler {
			// See memoryLimiters for the interval.
			s, err := sethvargo.New(&sethvargo.Config{Tokens: benchRate, Interval: 1e18, InitialAlloc: keys})
			if err != nil {
				tb.Fatal(err)
			}
			m, err := httplimit.NewMiddleware(s, httplimit.IPKeyFunc())
			if err != nil {
				tb.Fatal(err)
			}
			return m.Handle
		}},
		mwImpl{"throttled", func(tb testing.TB, keys int) func(http.Handler) http.Handler {
			st, err := memstore.NewCtx(2 * keys)
			if err != nil {
				tb.Fatal(err)
			}
			l, err := throttled.NewGCRARateLimiterCtx(st, throttled.RateQuota{MaxRate: throttled.PerSec(benchRate), MaxBurst: benchRate})
			if err != nil {
				tb.Fatal(err)
			}
			h := &throttled.HTTPRateLimiterCtx{RateLimiter: l, VaryBy: &throttled.VaryBy{RemoteAddr: true}}
			return h.RateLimit
		}},
	)
}

// clientAddrs returns n distinct client addresses, as RemoteAddr holds them.
func clientAddrs(n int) []string {
	addrs := keyList(n)
	for i := range addrs {
		addrs[i] += ":40000"
	}
	return addrs
}

// mwReferences are the group's references, not rate limiters: chi with no
// middleware ("bare"), and with the least a middleware that gives handlers
// a per-request value costs ("ctx-value", see ctxValue), which a limiter
// that must find the limiters further out pays too.
func mwReferences() []mwImpl {
	return []mwImpl{
		{"bare", func(testing.TB, int) func(http.Handler) http.Handler {
			return func(next http.Handler) http.Handler { return next }
		}},
		{"ctx-value", func(testing.TB, int) func(http.Handler) http.Handler { return ctxValue }},
	}
}

// BenchmarkRateLimitMiddleware serves the success-path request through chi
// and each rate-limiting middleware, from one client address and from
// 100,000 (each seen once before the clock starts), serially and in
// parallel. Unlike BenchmarkRateLimitMemory it includes each middleware's
// key function and headers, so it compares what a service deploys.
func BenchmarkRateLimitMiddleware(b *testing.B) {
	impls := append(limiterMiddlewares(), mwReferences()...)
	top := b // owns the middlewares' cleanups: a sub-benchmark runs its own after each of its rounds
	names := make([]string, len(impls))
	byName := make(map[string]mwImpl, len(impls))
	for i, im := range impls {
		names[i] = im.name
		byName[im.name] = im
	}
	for _, n := range []int{1, 100_000} {
		addrs := clientAddrs(n)
		built := map[string]http.Handler{}
		get := func(b *testing.B, name string) http.Handler {
			if h, ok := built[name]; ok {
				return h
			}
			h := chiStack(byName[name].make(top, n))
			r := httptest.NewRequest(http.MethodGet, successPath, nil)
			w := newDiscardWriter()
			for _, a := range addrs {
				w.reset()
				r.RemoteAddr = a
				h.ServeHTTP(w, r)
				if w.status != http.StatusOK {
					b.Fatalf("%s: first request from %s: status %d", name, a, w.status)
				}
			}
			built[name] = h
			return h
		}
		b.Run("keys="+itoa(n), func(b *testing.B) {
			benchKeyed(b, names, n, 1, func(b *testing.B, name string) keyedRun {
				h := get(b, name)
				var bad atomic.Int64
				return keyedRun{
					worker: func() func(int) {
						r := httptest.NewRequest(http.MethodGet, successPath, nil)
						w := newDiscardWriter()
						return func(i int) {
							w.reset()
							r.RemoteAddr = addrs[i]
							h.ServeHTTP(w, r)
							if w.status != http.StatusOK {
								bad.Add(1)
							}
						}
					},
					check: func() {
						if n := bad.Load(); n > 0 {
							b.Fatalf("%d responses were not 200", n)
						}
					},
				}
			})
		})
	}
}

// TestLimiterMiddlewares checks that every middleware compared lets the
// request through with 200 and sets a rate-limit header, so each pays for
// its headers as deployed.
func TestLimiterMiddlewares(t *testing.T) {
	t.Parallel()
	for _, im := range limiterMiddlewares() {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			h := chiStack(im.make(t, 1))
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, successPath, nil)
			r.RemoteAddr = "10.0.0.1:40000"
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", w.Code)
			}
			found := false
			for k := range w.Header() {
				if http.CanonicalHeaderKey(k) == "X-Ratelimit-Remaining" || http.CanonicalHeaderKey(k) == "Ratelimit" {
					found = true
				}
			}
			if !found {
				t.Errorf("no rate-limit header in %v", w.Header())
			}
		})
	}
}
