package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/httprate"
	sethvargo "github.com/sethvargo/go-limiter/memorystore"
	"github.com/throttled/throttled/v2"
	"github.com/throttled/throttled/v2/store/memstore"
	"github.com/ulule/limiter/v3"
	ulmemory "github.com/ulule/limiter/v3/drivers/store/memory"
	"golang.org/x/time/rate"
)

// benchRate is the limit every rate limiter is given: so high that every
// decision in a benchmark is an allowed one, the path a service takes on
// almost every request.
const benchRate = 1_000_000_000

// decider makes one rate-limit decision for key and reports whether the
// request may pass; an error means the limiter could not decide.
type decider func(ctx context.Context, key string) (bool, error)

// limiterImpl builds a fresh limiter; keys is how many distinct keys the
// benchmark will use.
type limiterImpl struct {
	name string
	make func(tb testing.TB, keys []string) decider
}

// memoryLimiters are the in-memory limiters compared, ours first.
func memoryLimiters() []limiterImpl {
	impls := oursMemoryLimiters()
	return append(impls,
		limiterImpl{"httprate", func(tb testing.TB, keys []string) decider {
			l := httprate.NewRateLimiter(benchRate, time.Second, httprate.WithResponseHeaders(httprate.ResponseHeaders{}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			w := newDiscardWriter()
			// OnLimit is httprate's decision; with no header names configured
			// it sets no headers, so w is never written to and may be shared.
			return func(_ context.Context, key string) (bool, error) { return !l.OnLimit(w, r, key), nil }
		}},
		limiterImpl{"ulule", func(tb testing.TB, keys []string) decider {
			l := limiter.New(ulmemory.NewStore(), limiter.Rate{Period: time.Second, Limit: benchRate})
			return func(ctx context.Context, key string) (bool, error) {
				c, err := l.Get(ctx, key)
				return !c.Reached, err
			}
		}},
		limiterImpl{"golimiter", func(tb testing.TB, keys []string) decider {
			// go-limiter refills a bucket with Interval/Tokens tokens a tick, so
			// a bucket of 1e9 tokens a second would be left with one token after
			// its first second. An interval of about 31 years keeps every
			// decision in the first tick, on the same code path.
			s, err := sethvargo.New(&sethvargo.Config{Tokens: benchRate, Interval: 1e18, InitialAlloc: len(keys)})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { _ = s.Close(context.Background()) })
			return func(ctx context.Context, key string) (bool, error) {
				_, _, _, ok, err := s.Take(ctx, key)
				return ok, err
			}
		}},
		limiterImpl{"throttled", func(tb testing.TB, keys []string) decider {
			st, err := memstore.NewCtx(2 * len(keys))
			if err != nil {
				tb.Fatal(err)
			}
			l, err := throttled.NewGCRARateLimiterCtx(st, throttled.RateQuota{MaxRate: throttled.PerSec(benchRate), MaxBurst: benchRate})
			if err != nil {
				tb.Fatal(err)
			}
			return func(ctx context.Context, key string) (bool, error) {
				limited, _, err := l.RateLimitCtx(ctx, key, 1)
				return !limited, err
			}
		}},
		limiterImpl{"xrate", func(tb testing.TB, keys []string) decider {
			// The floor: x/time/rate's Allow on one limiter per key, found
			// in a map built up front (read-only afterwards, so no lock).
			m := make(map[string]*rate.Limiter, len(keys))
			for _, k := range keys {
				m[k] = rate.NewLimiter(benchRate, benchRate)
			}
			return func(_ context.Context, key string) (bool, error) { return m[key].Allow(), nil }
		}},
	)
}

// BenchmarkRateLimitMemory makes one allowed decision per operation, on one
// hot key and across 100,000 distinct keys (every key seen once before the
// clock starts, so the figures are a known client's), serially and from
// GOMAXPROCS goroutines.
func BenchmarkRateLimitMemory(b *testing.B) {
	benchLimiters(b, memoryLimiters(), []int{1, 100_000}, 1)
}

// BenchmarkRateLimitMemoryScattered is RateLimitMemory on 100,000 keys
// visited in an order unrelated to the one they were first seen in (key
// i·61,803 mod 100,000 at step i), as clients arrive: a limiter whose
// per-key state lies in memory in the order keys were first seen (a map of
// pointers to limiters allocated one after the other, such as the xrate
// floor) is walked in that order by RateLimitMemory, which the processor's
// prefetcher rewards, and is not here.
func BenchmarkRateLimitMemoryScattered(b *testing.B) {
	benchLimitersIn(b, memoryLimiters(), []int{100_000}, 1, scatteredStep)
}

// scatteredStep is the stride of RateLimitMemoryScattered's walk over the
// keys: about n/φ for n = 100,000, and prime to n, so that the walk visits
// every key once a cycle.
const scatteredStep = 61_803

// benchLimiters runs every implementation on each key count, serially and in
// parallel. One limiter per implementation and key count serves both runs; it
// is built, and every key given its first request, before the clock starts.
// A refusal fails the benchmark (the limit is set so that none should
// happen); a decision the limiter could not make (throttled gives up after
// ten lost compare-and-swap rounds on a contended key) is counted and
// reported as errors/op. The parallel runs use parallelism goroutines per
// GOMAXPROCS (see testing.B.SetParallelism). serverTime, when given, reads
// the total time the limiters' server has spent on their commands; its
// growth over a run is reported per decision as server-ns/op.
func benchLimiters(b *testing.B, impls []limiterImpl, keyCounts []int, parallelism int, serverTime ...func(testing.TB) time.Duration) {
	benchLimitersIn(b, impls, keyCounts, parallelism, 1, serverTime...)
}

// benchLimitersIn is benchLimiters visiting the keys with the given stride
// (key i·step mod n at step i; step must be prime to every key count),
// rather than in the order they were first seen.
func benchLimitersIn(b *testing.B, impls []limiterImpl, keyCounts []int, parallelism, step int, serverTime ...func(testing.TB) time.Duration) {
	ctx := context.Background()
	top := b // owns the limiters' cleanups: a sub-benchmark runs its own after each of its rounds
	names := make([]string, len(impls))
	byName := make(map[string]limiterImpl, len(impls))
	for i, im := range impls {
		names[i] = im.name
		byName[im.name] = im
	}
	for _, n := range keyCounts {
		keys := keyList(n)
		walk := keys
		if step != 1 {
			walk = make([]string, n)
			for i := range walk {
				walk[i] = keys[i*step%n]
			}
		}
		built := make(map[string]decider, len(impls))
		get := func(b *testing.B, name string) decider {
			if d, ok := built[name]; ok {
				return d
			}
			d := byName[name].make(top, keys)
			for _, k := range keys {
				if ok, err := d(ctx, k); !ok || err != nil {
					b.Fatalf("%s refused the first request for %s (err %v)", name, k, err)
				}
			}
			built[name] = d
			return d
		}
		b.Run("keys="+itoa(n), func(b *testing.B) {
			benchKeyed(b, names, n, parallelism, func(b *testing.B, name string) keyedRun {
				d := get(b, name)
				var errs, refused atomic.Int64
				var server0 time.Duration
				for _, st := range serverTime {
					server0 = st(b)
				}
				return keyedRun{
					worker: func() func(int) {
						return func(i int) {
							ok, err := d(ctx, walk[i])
							switch {
							case err != nil:
								errs.Add(1)
							case !ok:
								refused.Add(1)
							}
						}
					},
					check: func() {
						for _, st := range serverTime {
							b.ReportMetric(float64(st(b)-server0)/float64(b.N), "server-ns/op")
						}
						if n := refused.Load(); n > 0 {
							b.Fatalf("%d refusals: the benchmark's limit is too low for this limiter", n)
						}
						if n := errs.Load(); n > 0 {
							b.ReportMetric(float64(n)/float64(b.N), "errors/op")
						}
					},
				}
			})
		})
	}
}
