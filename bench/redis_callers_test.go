package bench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit/redisstore"
)

// BenchmarkRateLimitRedisCallers makes allowed decisions against a
// redis-server on loopback with 1, 64 and 256 concurrent callers (exactly:
// one goroutine for 1, b.SetParallelism(callers/GOMAXPROCS) otherwise), on
// one key and across 10,000 keys, and reports besides the time a decision:
// p99-ns, the 99th percentile of one decision's latency; scripts/op, the
// scripts Redis ran a decision (INFO commandstats); trips/op, the round
// trips a decision (a command or a pipeline is one).
func BenchmarkRateLimitRedisCallers(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	for _, nkeys := range []int{1, 10_000} {
		keys := make([]string, nkeys)
		for i := range keys {
			keys[i] = "c" + strconv.Itoa(i)
		}
		impls := append(redisLimiters(srv.Addr()), oursRedisWindow(srv.Addr()))
		deciders := make([]decider, len(impls))
		for i, im := range impls {
			deciders[i] = im.make(b, keys)
		}
		for _, callers := range []int{1, 64, 256} {
			for i, im := range impls {
				d, trips := deciders[i], tripsOf(im.name)
				b.Run(fmt.Sprintf("keys-%d/callers-%d/%s", nkeys, callers, im.name), func(b *testing.B) {
					var (
						mu   sync.Mutex
						lats []time.Duration
						next atomic.Int64
					)
					decide := func(own *[]time.Duration) {
						k := keys[int(next.Add(1))%nkeys]
						start := time.Now()
						if ok, err := d(ctx, k); !ok || err != nil {
							b.Errorf("allowed %v, err %v", ok, err)
						}
						*own = append(*own, time.Since(start))
					}
					scripts0, trips0 := scriptsRun(b, srv.Addr()), trips.Load()
					b.ResetTimer()
					if callers == 1 {
						own := make([]time.Duration, 0, b.N)
						for range b.N {
							decide(&own)
						}
						lats = own
					} else {
						b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
						b.RunParallel(func(pb *testing.PB) {
							var own []time.Duration
							for pb.Next() {
								decide(&own)
							}
							mu.Lock()
							lats = append(lats, own...)
							mu.Unlock()
						})
					}
					b.StopTimer()
					slices.Sort(lats)
					if len(lats) > 0 {
						b.ReportMetric(float64(lats[len(lats)*99/100]), "p99-ns")
					}
					b.ReportMetric(float64(scriptsRun(b, srv.Addr())-scripts0)/float64(b.N), "scripts/op")
					b.ReportMetric(float64(trips.Load()-trips0)/float64(b.N), "trips/op")
				})
			}
		}
	}
}

// oursRedisWindow is the library's store with a pipeline window of 100µs,
// to compare with the default (no window).
func oursRedisWindow(addr string) limiterImpl {
	return limiterImpl{"ours-window-100us", func(tb testing.TB, keys []string) decider {
		s := redisstore.New(redisClient(tb, addr, tripsOf("ours-window-100us")), redisstore.WithPrefix("bench-ours-w:"),
			redisstore.WithTimeout(time.Second), redisstore.WithPipelineWindow(100*time.Microsecond))
		tb.Cleanup(func() { _ = s.Close() })
		return func(ctx context.Context, key string) (bool, error) {
			d, err := s.Take(ctx, key, redisLimits, 1)
			return d.Allowed, err
		}
	}}
}
