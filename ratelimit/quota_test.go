package ratelimit_test

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

func TestQuota(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		usage, requested, limit int64
		exceeded                bool
		wantRequestedTotal      float64
	}{
		{"fits", 3, 2, 10, false, 0},
		{"fits exactly", 8, 2, 10, false, 0},
		{"one over", 9, 2, 10, true, 11},
		{"already over, asks nothing", 12, 0, 10, false, 0},
		{"already over, asks one", 12, 1, 10, true, 13},
		{"negative request asks nothing", 5, -3, 4, false, 0},
		{"huge request does not wrap", 5, math.MaxInt64, 10, true, math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := ratelimit.Quota("volumes", tc.usage, tc.requested, tc.limit)
			if (err != nil) != tc.exceeded {
				t.Fatalf("Quota = %v, want exceeded %v", err, tc.exceeded)
			}
			if err == nil {
				return
			}
			// Through the writer and back, in Gcore's style: QuotaLimitExceed with the numbers.
			w := httptest.NewRecorder()
			r := errresp.WithStyle(httptest.NewRequest("POST", "/volumes", nil), errresp.Gcore())
			_, _ = errresp.Write(w, r, err)
			e, _ := errresp.Decode(w.Result())
			if w.Code != 403 || e.Kind != errresp.QuotaExceeded || !strings.Contains(w.Body.String(), `"QuotaLimitExceed"`) {
				t.Fatalf("status %d kind %v: %s", w.Code, e.Kind, w.Body)
			}
			want := map[string]any{"quota": "volumes", "usage": float64(tc.usage), "requested": float64(tc.requested),
				"requested_total": tc.wantRequestedTotal, "limit": float64(tc.limit)}
			for k, v := range want {
				if e.Info[k] != v {
					t.Fatalf("info[%q] = %v, want %v (body %s)", k, e.Info[k], v, w.Body)
				}
			}
		})
	}
}
