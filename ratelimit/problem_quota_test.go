package ratelimit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/ratelimit"
)

// With errresp.ProblemQuotaExceeded, a refusal of the real limiter is the
// draft's quota-exceeded problem, whose violated-policies names the policy
// as RateLimit-Policy does.
func TestRefusalAsQuotaExceededProblem(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	style := errresp.NewProblem("", errresp.ProblemQuotaExceeded())
	limit := ratelimit.New([]ratelimit.Limit{{Events: 1, Period: time.Minute, Name: "per-minute"}},
		ratelimit.WithHeaders(ratelimit.IETFHeaders), ratelimit.WithClock(now),
		ratelimit.WithStore(ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))))
	h := middleware.Style(style)(limit(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})))
	var rec *httptest.ResponseRecorder
	for range 2 {
		rec = httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = "203.0.113.9:1000"
		h.ServeHTTP(rec, req)
	}
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d", rec.Code)
	}
	if p := rec.Header().Get("RateLimit-Policy"); !strings.HasPrefix(p, `"per-minute";`) {
		t.Errorf("RateLimit-Policy %q", p)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["type"] != errresp.QuotaExceededType || m["status"] != float64(429) || m["code"] != "rate_limited" {
		t.Errorf("body %s", rec.Body)
	}
	if vp, _ := m["violated-policies"].([]any); len(vp) != 1 || vp[0] != "per-minute" {
		t.Errorf("violated-policies %v", m["violated-policies"])
	}
	if rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("Content-Type %s", rec.Header().Get("Content-Type"))
	}
}
