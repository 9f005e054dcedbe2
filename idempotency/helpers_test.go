package idempotency_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/middleware"
)

// machines is a handler that creates a machine per request it runs: the
// thing a retried POST must not do twice.
type machines struct {
	runs    atomic.Int64
	status  atomic.Int64  // the status it answers; 201 when 0
	release chan struct{} // when non-nil, each run waits for it
	started chan struct{} // when non-nil, each run sends on it first
}

func (h *machines) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := h.runs.Add(1)
	if h.started != nil {
		h.started <- struct{}{}
	}
	if h.release != nil {
		<-h.release
	}
	body, _ := io.ReadAll(r.Body)
	status := int(h.status.Load())
	if status == 0 {
		status = http.StatusCreated
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", "/v1/vms/"+itoa(n))
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "s" + itoa(n)})
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"id":`+itoa(n)+`,"request":`+string(body)+`}`)
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// stack mounts h behind the module's usual request-id and style middleware
// and the idempotency middleware.
func stack(s *errresp.Style, mw func(http.Handler) http.Handler, h http.Handler) http.Handler {
	return middleware.RequestID()(middleware.Style(s, middleware.StyleNoNegotiate())(mw(h)))
}

func post(t testing.TB, h http.Handler, key, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/vms", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if key != "" {
		r.Header.Set("Idempotency-Key", key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// failingStore fails every call, as a store whose backend is down.
type failingStore struct{ calls atomic.Int64 }

func (s *failingStore) Begin(context.Context, string, string, time.Duration) (idempotency.Claim, error) {
	s.calls.Add(1)
	return idempotency.Claim{}, idempotency.ErrUnavailable
}

func (s *failingStore) Finish(context.Context, string, string, string, []byte, time.Duration) error {
	return idempotency.ErrUnavailable
}

func (s *failingStore) Release(context.Context, string, string) error {
	return idempotency.ErrUnavailable
}

func (s *failingStore) Close() error { return nil }

func httptestGet(h http.Handler, key string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/v1/vms", nil)
	r.Header.Set("Idempotency-Key", key)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
