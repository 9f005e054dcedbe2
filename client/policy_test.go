package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
)

func TestNotReplayable(t *testing.T) {
	t.Parallel()
	body := func() *http.Request {
		r, _ := http.NewRequest("POST", "http://x/", strings.NewReader("{}"))
		return r
	}
	withKey := func(name string) *http.Request {
		r := body()
		r.Header.Set(name, "k-1")
		return r
	}
	noGetBody := func(method string) *http.Request {
		r, _ := http.NewRequest(method, "http://x/", io.NopCloser(strings.NewReader("{}")))
		return r
	}
	bare := func(method string) *http.Request {
		return &http.Request{Method: method, URL: &url.URL{}, Header: http.Header{}}
	}
	cases := []struct {
		name string
		req  *http.Request
		want string
	}{
		{"GET", bare("GET"), ""},
		{"empty method is GET", bare(""), ""},
		{"HEAD", bare("HEAD"), ""},
		{"OPTIONS", bare("OPTIONS"), ""},
		{"TRACE", bare("TRACE"), ""},
		{"PUT", bare("PUT"), ""},
		{"DELETE", bare("DELETE"), ""},
		{"POST", body(), whyNotIdempotent},
		{"PATCH", bare("PATCH"), whyNotIdempotent},
		{"POST with Idempotency-Key", withKey("Idempotency-Key"), ""},
		{"POST with X-Idempotency-Key", withKey("X-Idempotency-Key"), ""},
		{"PUT without GetBody", noGetBody("PUT"), whyNoGetBody},
		{"GET with NoBody", func() *http.Request { r := bare("GET"); r.Body = http.NoBody; return r }(), ""},
	}
	for _, c := range cases {
		if got := notReplayable(c.req); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// timeoutError is a net.Error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestTransportKind(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	cases := []struct {
		name string
		err  error
		kind errresp.Kind
		ok   bool
	}{
		{"connection refused", refused, errresp.Unavailable, true},
		{"connection reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, errresp.Unavailable, true},
		{"closed before answering", io.EOF, errresp.Unavailable, true},
		{"cut short", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), errresp.Unavailable, true},
		{"timeout", &url.Error{Op: "Get", URL: "http://x", Err: timeoutError{}}, errresp.Timeout, true},
		{"dns timeout", &net.DNSError{Err: "timeout", IsTimeout: true}, errresp.Timeout, true},
		{"dns temporary", &net.DNSError{Err: "server misbehaving", IsTemporary: true}, errresp.Unavailable, true},
		{"no such host", &net.DNSError{Err: "no such host", IsNotFound: true}, errresp.Unavailable, false},
		{"bad certificate", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, errresp.Unknown, false},
		{"bad scheme", errors.New(`unsupported protocol scheme "ftp"`), errresp.Unknown, false},
	}
	for _, c := range cases {
		kind, ok := transportKind(c.err)
		if kind != c.kind || ok != c.ok {
			t.Errorf("%s: %s, %v; want %s, %v", c.name, kind, ok, c.kind, c.ok)
		}
	}
}

// The n-th backoff is drawn from [1 s, min(5 s, 2^(n+1) s)], the page's
// "wait 1 to 5 s" growing exponentially: pinned at both ends of the jitter.
func TestBackoff(t *testing.T) {
	t.Parallel()
	low, high := newConfig(nil), newConfig(nil)
	low.jitter = func(int64) int64 { return 0 }
	high.jitter = func(n int64) int64 { return n - 1 }
	want := []time.Duration{2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, top := range want {
		if got := low.backoff(i); got != time.Second {
			t.Errorf("backoff(%d) at the lowest jitter = %v, want 1s", i, got)
		}
		if got := high.backoff(i); got != top {
			t.Errorf("backoff(%d) at the highest jitter = %v, want %v", i, got, top)
		}
	}
	huge := newConfig([]Option{WithBackoff(time.Nanosecond, 1<<62)})
	huge.jitter = func(n int64) int64 { return n - 1 }
	for i := range 200 {
		if got := huge.backoff(i); got < time.Nanosecond || got > 1<<62 {
			t.Fatalf("backoff(%d) = %v, outside its bounds", i, got)
		}
	}
	drawn := newConfig(nil)
	for i := range 1000 {
		if got := drawn.backoff(2); got < time.Second || got > 5*time.Second {
			t.Fatalf("draw %d: backoff(2) = %v, outside [1s, 5s]", i, got)
		}
	}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	clock := clienttest.NewClock(time.Now())
	c := newConfig([]Option{WithClock(clock.Now), WithSleep(clock.Sleep)})
	c.jitter = func(int64) int64 { return 0 }
	bg := context.Background()
	soon, cancel := context.WithDeadline(bg, clock.Now().Add(10*time.Second))
	defer cancel()
	limited := failure{kind: errresp.RateLimited, wait: 20 * time.Second, hinted: true}
	internal := failure{kind: errresp.Internal}
	cases := []struct {
		name   string
		ctx    context.Context
		f      failure
		n      int
		waited time.Duration
		replay string
		wait   time.Duration
		why    string
		retry  bool
	}{
		{"429 after its Retry-After", bg, limited, 1, 0, "", 20 * time.Second, "", true},
		{"Retry-After: 0 is now", bg, failure{kind: errresp.Unavailable, hinted: true}, 1, 0, "", 0, "", true},
		{"500 with backoff", bg, internal, 1, 0, "", time.Second, "", true},
		{"last retry", bg, internal, 3, 2 * time.Second, "", time.Second, "", true},
		{"no retries left", bg, internal, 4, 3 * time.Second, "", 0, whyNoRetriesLeft, false},
		{"validation never", bg, failure{kind: errresp.InvalidRequest}, 1, 0, "", 0, "", false},
		{"not found never", bg, failure{kind: errresp.NotFound}, 1, 0, "", 0, "", false},
		{"forbidden never", bg, failure{kind: errresp.PermissionDenied}, 1, 0, "", 0, "", false},
		{"quota never", bg, failure{kind: errresp.QuotaExceeded}, 1, 0, "", 0, "", false},
		{"capacity not here", bg, failure{kind: errresp.CapacityUnavailable}, 1, 0, "", 0, "", false},
		{"not idempotent", bg, internal, 1, 0, whyNotIdempotent, 0, whyNotIdempotent, false},
		{"past the deadline", soon, limited, 1, 0, "", 20 * time.Second, whyPastDeadline, false},
		{"within the deadline", soon, failure{kind: errresp.RateLimited, wait: 9 * time.Second, hinted: true}, 1, 0, "", 9 * time.Second, "", true},
		{"over the total wait", bg, limited, 2, 11 * time.Second, "", 20 * time.Second, whyOverMaxWait, false},
		{"exactly the total wait", bg, limited, 2, 10 * time.Second, "", 20 * time.Second, "", true},
	}
	for _, tc := range cases {
		wait, why, retry := c.plan(tc.ctx, tc.f, tc.n, tc.waited, tc.replay)
		if wait != tc.wait || why != tc.why || retry != tc.retry {
			t.Errorf("%s: %v, %q, %v; want %v, %q, %v", tc.name, wait, why, retry, tc.wait, tc.why, tc.retry)
		}
	}
}

func TestRetryKinds(t *testing.T) {
	t.Parallel()
	def := newConfig(nil)
	for _, k := range []errresp.Kind{errresp.RateLimited, errresp.Internal, errresp.Unavailable, errresp.Timeout, errresp.IdempotencyKeyInUse} {
		if !def.retryKind[k] {
			t.Errorf("by default, %s is not retried", k)
		}
	}
	for _, k := range errresp.Kinds() {
		// Every client error but 429, 408 (the server gave up waiting
		// for the request, which may arrive in time when sent again) and
		// the 409 of a request whose first copy is still running is one
		// retrying cannot fix.
		if k.Status() < 500 && k != errresp.RateLimited && k != errresp.RequestTimeout && k != errresp.IdempotencyKeyInUse && def.retryKind[k] {
			t.Errorf("by default, %s (%d) is retried", k, k.Status())
		}
	}
	if def.retryKind[errresp.CapacityUnavailable] {
		t.Errorf("by default, %s is retried", errresp.CapacityUnavailable)
	}
	only := newConfig([]Option{WithRetryKinds(errresp.Unavailable, errresp.CapacityUnavailable)})
	for _, k := range errresp.Kinds() {
		want := k == errresp.Unavailable || k == errresp.CapacityUnavailable
		if only.retryKind[k] != want {
			t.Errorf("WithRetryKinds: %s retried: %v, want %v", k, only.retryKind[k], want)
		}
	}
}
