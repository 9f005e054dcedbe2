package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
)

// mwDiscardWriter is a ResponseWriter that keeps nothing, so benchmarks
// measure the middleware rather than a recorder.
type mwDiscardWriter struct{ h http.Header }

func (d *mwDiscardWriter) Header() http.Header         { return d.h }
func (d *mwDiscardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *mwDiscardWriter) WriteHeader(int)             {}

var mwBenchOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
})

func mwBenchRouter(mws ...func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(mws...)
	r.Get("/items/{id}", mwBenchOK)
	r.Get("/fail", mwNotFoundHandler.ServeHTTP)
	return r
}

// BenchmarkStack compares, in one run, a request through this package's
// RequestID + Recoverer + Style on chi with the same request through chi's
// own middleware.RequestID + middleware.Recoverer.
func BenchmarkStack(b *testing.B) {
	stacks := []struct {
		name string
		h    http.Handler
	}{
		{"chi", mwBenchRouter(chimw.RequestID, chimw.Recoverer)},
		{"apierror", mwBenchRouter(RequestID(), Recoverer(), Style(errresp.GPCN()))},
	}
	paths := []struct {
		name, path, id string
	}{
		{"generated-id", "/items/42", ""},
		{"incoming-id", "/items/42", "3f1c2a9e-8b7d-4c1e-9f00-1234567890ab"},
	}
	for _, p := range paths {
		for _, s := range stacks {
			b.Run(p.name+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					r := httptest.NewRequest("GET", p.path, nil)
					if p.id != "" {
						r.Header.Set("X-Request-Id", p.id)
					}
					w := &mwDiscardWriter{h: make(http.Header, 4)}
					for pb.Next() {
						clear(w.h)
						s.h.ServeHTTP(w, r)
					}
				})
			})
		}
	}
}

// BenchmarkStackFailure measures a handler's returned error written as an
// envelope through the full stack.
func BenchmarkStackFailure(b *testing.B) {
	h := mwBenchRouter(RequestID(), Recoverer(), Style(errresp.GPCN()))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest("GET", "/fail", nil)
		w := &mwDiscardWriter{h: make(http.Header, 8)}
		for pb.Next() {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
	})
}

func BenchmarkNewRequestID(b *testing.B) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = NewRequestID()
		}
	})
}

func BenchmarkAcceptQuality(b *testing.B) {
	accept := []string{"text/html,application/xhtml+xml,application/xml;q=0.9,application/problem+json;q=0.8,*/*;q=0.5"}
	b.ReportAllocs()
	for b.Loop() {
		_ = acceptQuality(accept, "application/problem+json")
	}
}

// BenchmarkStackInterleaved runs chi's pair and this package's three in
// alternating slices of the same loop, so both see the same machine load,
// and reports each one's ns/op and their ratio.
func BenchmarkStackInterleaved(b *testing.B) {
	chiH := mwBenchRouter(chimw.RequestID, chimw.Recoverer)
	ourH := mwBenchRouter(RequestID(), Recoverer(), Style(errresp.GPCN()))
	r := httptest.NewRequest("GET", "/items/42", nil)
	w := &mwDiscardWriter{h: make(http.Header, 4)}
	const slice = 512
	var chiT, ourT time.Duration
	n := 0
	for b.Loop() {
		if n%slice == 0 {
			start := time.Now()
			for range slice {
				clear(w.h)
				chiH.ServeHTTP(w, r)
			}
			chiT += time.Since(start)
			start = time.Now()
			for range slice {
				clear(w.h)
				ourH.ServeHTTP(w, r)
			}
			ourT += time.Since(start)
		}
		n++
	}
	runs := float64((n + slice - 1) / slice * slice)
	b.ReportMetric(float64(chiT.Nanoseconds())/runs, "chi-ns/req")
	b.ReportMetric(float64(ourT.Nanoseconds())/runs, "apierror-ns/req")
	b.ReportMetric(float64(ourT)/float64(chiT), "ratio")
}
