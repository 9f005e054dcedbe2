package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkStacks serves the end-to-end load mix in process through each
// stack, one request of the mix an iteration, so that the time and the
// allocations a request of the full stack can be set against bare chi's
// without the network.
func BenchmarkStacks(b *testing.B) {
	const valid = `{"name":"web-02","size":4,"region":"eu-west","image_id":"0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b"}`
	const invalid = `{"name":"w","size":400,"region":"eu-west","image_id":"0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b"}`
	mix := []struct{ method, path, body string }{
		{"GET", "/v1/vms/" + knownID, ""},
		{"GET", "/v1/vms", ""},
		{"GET", "/v1/vms/" + knownID, ""},
		{"POST", "/v1/vms", valid},
		{"GET", "/v1/vms/" + knownID, ""},
		{"GET", "/v1/vms", ""},
		{"GET", "/v1/vms/" + knownID, ""},
		{"POST", "/v1/vms", invalid},
		{"GET", "/v1/vms/not-a-uuid", ""},
		{"GET", "/v1/nothing-here", ""},
	}
	for _, stack := range []string{"bare", "full"} {
		h := map[string]http.Handler{"bare": bareStack(), "full": fullStack()}[stack]
		b.Run("stack="+stack, func(b *testing.B) {
			reqs := make([]*http.Request, len(mix))
			bodies := make([]*strings.Reader, len(mix))
			for i, m := range mix {
				bodies[i] = strings.NewReader(m.body)
				reqs[i] = httptest.NewRequest(m.method, m.path, nil)
				reqs[i].Header.Set("X-API-Key", apiKey)
				if m.body != "" {
					reqs[i].Header.Set("Content-Type", "application/json")
				}
			}
			w := &sink{h: http.Header{}}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := i % len(mix)
				i++
				bodies[k].Reset(mix[k].body)
				reqs[k].Body = io.NopCloser(bodies[k])
				clear(w.h)
				h.ServeHTTP(w, reqs[k])
			}
		})
	}
}

// sink is a ResponseWriter that keeps nothing, as net/http's own does not
// copy the header map when the status is written.
type sink struct{ h http.Header }

func (s *sink) Header() http.Header         { return s.h }
func (s *sink) WriteHeader(int)             {}
func (s *sink) Write(p []byte) (int, error) { return len(p), nil }
