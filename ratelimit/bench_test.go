package ratelimit_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

// benchLimit allows far more than a benchmark sends, so every decision is
// an allowance, as on a healthy service.
var benchLimit = ratelimit.Limit{Events: 1_000_000_000, Period: time.Second, Burst: 1_000_000}

// BenchmarkDecision compares one decision of the memory store, on one hot
// key and across 100,000 keys, with x/time/rate's Allow on a single
// limiter, serially and in parallel.
func BenchmarkDecision(b *testing.B) {
	ctx := context.Background()
	limits := []ratelimit.Limit{benchLimit}
	keys := make([]string, 100_000)
	for i := range keys {
		keys[i] = "ip:198.51." + strconv.Itoa(i/256%256) + "." + strconv.Itoa(i%256) + "/" + strconv.Itoa(i)
	}
	// Requests come in no particular order: visit the keys in a fixed
	// shuffled order, so that no side gains from memory laid out in the
	// order the keys were first seen.
	visit := make([]string, len(keys))
	for i, j := range rand.New(rand.NewPCG(1, 2)).Perm(len(keys)) {
		visit[i] = keys[j]
	}
	newStore := func(b *testing.B) *ratelimit.MemoryStore {
		// Room for every key: the cap is split evenly between shards and keys
		// fill them unevenly, so a cap of exactly len(keys) would measure
		// eviction rather than decisions.
		s := ratelimit.NewMemoryStore(ratelimit.MemoryMaxKeys(2 * len(keys)))
		for _, k := range append(keys, "hot") {
			if _, err := s.Take(ctx, k, limits, 1); err != nil {
				b.Fatal(err)
			}
		}
		b.Cleanup(func() { _ = s.Close() })
		b.ResetTimer()
		return s
	}

	b.Run("rate.Limiter.Allow/serial", func(b *testing.B) {
		lim := rate.NewLimiter(rate.Every(benchLimit.Interval()), benchLimit.Capacity())
		b.ReportAllocs()
		for b.Loop() {
			lim.Allow()
		}
	})
	b.Run("rate.Limiter.Allow/parallel", func(b *testing.B) {
		lim := rate.NewLimiter(rate.Every(benchLimit.Interval()), benchLimit.Capacity())
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				lim.Allow()
			}
		})
	})
	// The usual hand-written keyed limiter: one rate.Limiter per key in a
	// map under a mutex (unbounded). It pays the same cache misses on 100,000
	// keys that the memory store does, which a single limiter never does.
	b.Run("rate.Limiter-map/100k-keys/serial", func(b *testing.B) {
		var mu sync.Mutex
		m := make(map[string]*rate.Limiter, len(keys))
		for _, k := range keys {
			m[k] = rate.NewLimiter(rate.Every(benchLimit.Interval()), benchLimit.Capacity())
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			mu.Lock()
			lim := m[visit[i]]
			mu.Unlock()
			lim.Allow()
			if i++; i == len(keys) {
				i = 0
			}
		}
	})
	b.Run("memory/hot-key/serial", func(b *testing.B) {
		s := newStore(b)
		b.ReportAllocs()
		for b.Loop() {
			_, _ = s.Take(ctx, "hot", limits, 1)
		}
	})
	b.Run("memory/hot-key/parallel", func(b *testing.B) {
		s := newStore(b)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, _ = s.Take(ctx, "hot", limits, 1)
			}
		})
	})
	b.Run("memory/100k-keys/serial", func(b *testing.B) {
		s := newStore(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_, _ = s.Take(ctx, visit[i], limits, 1)
			if i++; i == len(keys) {
				i = 0
			}
		}
	})
	b.Run("memory/100k-keys/parallel", func(b *testing.B) {
		s := newStore(b)
		var seed atomic.Uint64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := rand.New(rand.NewPCG(seed.Add(1), 0)).IntN(len(keys))
			for pb.Next() {
				_, _ = s.Take(ctx, visit[i], limits, 1)
				if i++; i == len(keys) {
					i = 0
				}
			}
		})
	})
}

// BenchmarkMiddleware measures a whole allowed request through the
// limiter: key by IP, decision, headers; with state, below the per-request
// state of the library's middleware (errresp.Begin), as in the usual stack,
// where the composition ledger needs no copy of the request.
func BenchmarkMiddleware(b *testing.B) {
	for _, tc := range []struct {
		name  string
		opts  []ratelimit.Option
		state bool
	}{
		{"x-ratelimit", nil, false},
		{"x-ratelimit+ietf", []ratelimit.Option{ratelimit.WithHeaders(ratelimit.XRateLimitHeaders | ratelimit.IETFHeaders)}, false},
		{"x-ratelimit/state", nil, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := ratelimit.New([]ratelimit.Limit{benchLimit}, tc.opts...)(ok)
			if tc.state {
				h = begin(h)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = "198.51.100.20:5555"
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}

// begin gives each request the per-request state before h.
func begin(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w, r = errresp.Begin(w, r)
		h.ServeHTTP(w, r)
	})
}

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkDecisionAt is BenchmarkDecision's hot key on a fixed instant, so
// that the clock's cost (large on some virtual machines) is left out of
// both sides.
func BenchmarkDecisionAt(b *testing.B) {
	limits := []ratelimit.Limit{benchLimit}
	now := time.Now()
	b.Run("rate.Limiter.AllowN", func(b *testing.B) {
		lim := rate.NewLimiter(rate.Every(benchLimit.Interval()), benchLimit.Capacity())
		b.ReportAllocs()
		for b.Loop() {
			lim.AllowN(now, 0)
		}
	})
	b.Run("memory.TakeAt", func(b *testing.B) {
		s := ratelimit.NewMemoryStore()
		_, _ = s.TakeAt("hot", limits, 1, now)
		b.ReportAllocs()
		for b.Loop() {
			_, _ = s.TakeAt("hot", limits, 1, now)
		}
	})
}
