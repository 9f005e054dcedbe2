package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

func TestConcurrencyLimitBacklog(t *testing.T) {
	t.Parallel()
	b := newBusy()
	inBacklog := make(chan struct{})
	onWait := func(c *concurrencyConfig) { c.onWait = func() { close(inBacklog) } }
	h := mwChain(b, RequestID(), Style(errresp.GPCN()),
		ConcurrencyLimit(1, ConcurrencyBacklog(1, time.Minute), ConcurrencyRetryAfter(3*time.Second), onWait))
	release := occupy(t, h, b, "/")
	// The second request waits in the backlog for the slot...
	waited := make(chan *httptest.ResponseRecorder)
	go func() { waited <- mwServe(h, mwRequest("GET", "/", "w")) }()
	<-inBacklog
	// ...so a third finds the backlog full.
	rec := mwServe(h, mwRequest("GET", "/", "x"))
	if got := mwEnvelope(t, rec, errresp.GPCN(), 503); got.Kind != errresp.Unavailable || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("refusal %+v, Retry-After %q", got, rec.Header().Get("Retry-After"))
	}
	release() // the first finishes; the waiting one gets its slot
	if w := <-waited; w.Code != 200 || w.Body.String() != "ok" {
		t.Fatalf("waiting request: %d %q", w.Code, w.Body)
	}
}

func TestConcurrencyLimitWaitEnds(t *testing.T) {
	t.Parallel()
	b := newBusy()
	h := mwChain(b, RequestID(), Style(errresp.AuthPI()), ConcurrencyLimit(1, ConcurrencyBacklog(4, time.Millisecond)))
	occupy(t, h, b, "/")
	rec := mwServe(h, mwRequest("GET", "/", "late"))
	// The style's message for the kind, as every other 503 without a
	// message of the service's own.
	plain, _ := errresp.Render(errresp.AuthPI(), errresp.New(errresp.Unavailable, ""), "")
	if got := mwEnvelope(t, rec, errresp.AuthPI(), 503); got.Message != errresp.DecodeBody(503, "application/json", plain).Message {
		t.Fatalf("%+v", got)
	}
	// A client that goes away while waiting leaves the queue.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec = mwServe(h, mwRequest("GET", "/", "gone").WithContext(ctx))
	mwEnvelope(t, rec, errresp.AuthPI(), 499)
}

func TestConcurrencyLimitPanics(t *testing.T) {
	t.Parallel()
	mwAssertPanics(t, func() { ConcurrencyLimit(0) })
	mwAssertPanics(t, func() { ConcurrencyBacklog(0, time.Second) })
	mwAssertPanics(t, func() { ConcurrencyBacklog(1, 0) })
	mwAssertPanics(t, func() { ConcurrencyRetryAfter(0) })
}

// A proxied request whose client went away is answered as canceled and
// logged at Debug, not as an upstream failure.
func TestProxyErrorHandlerClientGone(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := mwRequest("GET", "/", id).WithContext(ctx)
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ProxyErrorHandler(w, r, context.Canceled)
	}), RequestID(), Style(errresp.Gcore()))
	rec := mwServe(h, r)
	mwEnvelope(t, rec, errresp.Gcore(), 499)
	if l, ok := mwHasLog(id, "client went away"); !ok || l.level != slog.LevelDebug {
		t.Fatalf("log %+v", l)
	}
}
