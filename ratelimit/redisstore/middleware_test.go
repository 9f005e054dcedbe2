package redisstore

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// TestMiddlewareWhileRedisIsDown runs the ratelimit middleware on a store
// whose Redis is down, under each policy, and checks what clients get.
func TestMiddlewareWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop() // nothing listens on srv.Addr() now
	limits := []ratelimit.Limit{{Events: 2, Period: time.Hour}}
	cases := []struct {
		name    string
		policy  Policy
		onError ratelimit.StoreErrorPolicy
		want    []int
	}{
		{"fail open", FailOpen, ratelimit.FailOpen, []int{200, 200, 200}},
		{"fall back to memory: each instance still limits", FallBack, ratelimit.FailOpen, []int{200, 200, 429}},
		{"fail closed, limiter fails closed: 503", FailClosed, ratelimit.FailClosed, []int{503, 503, 503}},
		{"fail closed, the store's answer stands over the limiter's default", FailClosed, ratelimit.FailOpen, []int{503, 503, 503}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			log, _ := logger()
			s := New(newClient(t, srv.Addr(), true), WithPolicy(tc.policy), WithLogger(log))
			defer s.Close()
			h := ratelimit.New(limits, ratelimit.WithStore(s), ratelimit.OnStoreError(tc.onError), ratelimit.WithLogger(log))(
				http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
			var got []int
			for range tc.want {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
				got = append(got, w.Code)
				switch w.Code {
				case http.StatusServiceUnavailable:
					e := errresp.DecodeBody(w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
					if e.Kind != errresp.Unavailable {
						t.Errorf("503 of kind %v; want Unavailable: %s", e.Kind, w.Body)
					}
				case http.StatusTooManyRequests:
					e := errresp.DecodeBody(w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
					if e.Kind != errresp.RateLimited || w.Header().Get("Retry-After") == "" {
						t.Errorf("429 of kind %v, Retry-After %q; want RateLimited with Retry-After", e.Kind, w.Header().Get("Retry-After"))
					}
				case http.StatusOK:
					if tc.policy != FailClosed && w.Header().Get("X-RateLimit-Limit") != "2" {
						t.Errorf("200 without X-RateLimit-Limit: %v", w.Header())
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("statuses %v; want %v", got, tc.want)
			}
		})
	}
}
