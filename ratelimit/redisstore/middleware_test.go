package redisstore

import (
	"context"
	"errors"
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
// whose Redis is down, under each of the limiter's policies, and checks what
// clients get; the store itself answers with ErrUnavailable and never with
// an HTTP error.
func TestMiddlewareWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop() // nothing listens on srv.Addr() now
	limits := []ratelimit.Limit{{Events: 2, Period: time.Hour}}
	cases := []struct {
		policy ratelimit.StoreErrorPolicy
		want   []int
	}{
		{ratelimit.FallBack, []int{200, 200, 429}}, // each instance still limits
		{ratelimit.FailOpen, []int{200, 200, 200}},
		{ratelimit.FailClosed, []int{503, 503, 503}},
	}
	for _, tc := range cases {
		t.Run(tc.policy.String(), func(t *testing.T) {
			t.Parallel()
			log, _ := logger()
			s := New(newClient(t, srv.Addr(), true), WithLogger(log))
			defer s.Close()
			_, err := s.Take(context.Background(), "k", limits, 1)
			var e *errresp.Error
			if !errors.Is(err, ratelimit.ErrUnavailable) || errors.As(err, &e) {
				t.Fatalf("Take = %v; want ErrUnavailable and no HTTP error", err)
			}
			h := ratelimit.New(limits, ratelimit.WithStore(s), ratelimit.WithName("limited"), ratelimit.WithStoreErrorPolicy(tc.policy), ratelimit.WithLogger(log))(
				http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
			var got []int
			for range tc.want {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
				got = append(got, w.Code)
				e := errresp.DecodeBody(w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
				switch w.Code {
				case http.StatusServiceUnavailable:
					if e.Kind != errresp.Unavailable {
						t.Errorf("503 of kind %v; want Unavailable: %s", e.Kind, w.Body)
					}
				case http.StatusTooManyRequests:
					if e.Kind != errresp.RateLimited || w.Header().Get("Retry-After") == "" {
						t.Errorf("429 of kind %v, Retry-After %q; want RateLimited with Retry-After", e.Kind, w.Header().Get("Retry-After"))
					}
				case http.StatusOK:
					if has := w.Header().Get("X-RateLimit-Limit") == "2"; has != (tc.policy == ratelimit.FallBack) {
						t.Errorf("200 with headers %v under %v", w.Header(), tc.policy)
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("statuses %v; want %v", got, tc.want)
			}
		})
	}
}
