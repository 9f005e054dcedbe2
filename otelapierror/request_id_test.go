package otelapierror_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

const (
	incomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	traceparent   = "00-" + incomingTrace + "-00f067aa0ba902b7-01"
)

// envelopeID returns the request id the envelope of rec carries.
func envelopeID(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	e := errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	if e == nil {
		t.Fatalf("no envelope in %d %s", rec.Code, rec.Body)
	}
	return e.RequestID
}

// TestTraceIDRoundTrip checks, in every style, that the trace id of an
// incoming traceparent is the trace id of the server span, the request id
// in the envelope and X-Request-ID; and that without a traceparent the id
// is the new trace's.
func TestTraceIDRoundTrip(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		t.Run(st.Name, func(t *testing.T) {
			t.Parallel()
			tm := newTelemetry(t)
			h := tm.service(st, errresp.New(errresp.PermissionDenied, "no"), nil)
			r := httptest.NewRequest("GET", "/fail/1", nil)
			r.Header.Set("traceparent", traceparent)
			r.Header.Set(errresp.HeaderRequestID, "client-chosen-id")
			rec := serve(h, r)
			if got := tm.span(t).SpanContext().TraceID().String(); got != incomingTrace {
				t.Fatalf("span trace id %s, want the incoming %s", got, incomingTrace)
			}
			if got := envelopeID(t, rec); got != incomingTrace {
				t.Fatalf("envelope request id %q, want the trace id %s", got, incomingTrace)
			}
			if got := rec.Header().Get(errresp.HeaderRequestID); got != incomingTrace {
				t.Fatalf("X-Request-ID %q, want the trace id %s", got, incomingTrace)
			}

			tm = newTelemetry(t)
			rec = serve(tm.service(st, errresp.New(errresp.NotFound, ""), nil), httptest.NewRequest("GET", "/fail/1", nil))
			if got, want := envelopeID(t, rec), tm.span(t).SpanContext().TraceID().String(); got != want {
				t.Fatalf("no traceparent: envelope id %q, want the new trace's id %s", got, want)
			}
		})
	}
}

// TestRequestIDFromSpanWithoutTracing checks the option where no tracing
// is mounted: the traceparent's trace id when there is one, and today's
// behaviour otherwise.
func TestRequestIDFromSpanWithoutTracing(t *testing.T) {
	t.Parallel()
	h := middleware.RequestID(otelapierror.RequestIDFromSpan())(middleware.Handler(func(http.ResponseWriter, *http.Request) error {
		return errresp.New(errresp.NotFound, "")
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("traceparent", traceparent)
	if got := envelopeID(t, serve(h, r)); got != incomingTrace {
		t.Fatalf("id %q, want the traceparent's trace id", got)
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set(errresp.HeaderRequestID, "client-chosen-id")
	if got := envelopeID(t, serve(h, r)); got != "client-chosen-id" {
		t.Fatalf("id %q, want the incoming X-Request-ID as without the option", got)
	}
	if got := envelopeID(t, serve(h, httptest.NewRequest("GET", "/", nil))); len(got) != 26 {
		t.Fatalf("id %q, want a generated one", got)
	}
}
