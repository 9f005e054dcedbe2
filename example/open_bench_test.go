package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

// BenchmarkOpenRoutes serves the open routes of the end-to-end run (four
// /healthz to one unknown path, which the service logs) in process, for the
// time and the allocations a request.
func BenchmarkOpenRoutes(b *testing.B) {
	prev := slog.Default()
	b.Cleanup(func() { slog.SetDefault(prev) })
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := newService(errresp.Problem(), ratelimit.NewMemoryStore()).routes()
	paths := []string{"/healthz", "/healthz", "/healthz", "/healthz", "/nothing-here"}
	reqs := make([]*http.Request, len(paths))
	for i, p := range paths {
		reqs[i] = httptest.NewRequest("GET", p, nil)
	}
	w := &sinkW{h: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, reqs[i%len(reqs)])
		i++
	}
}

// sinkW is a ResponseWriter that keeps nothing.
type sinkW struct{ h http.Header }

func (s *sinkW) Header() http.Header         { return s.h }
func (s *sinkW) WriteHeader(int)             {}
func (s *sinkW) Write(p []byte) (int, error) { return len(p), nil }
