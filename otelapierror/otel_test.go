package otelapierror_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/log"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// secret stands for what a cause may hold that no client, and no 4xx's
// telemetry, may see.
const secret = "s3cr3t-db-password"

// TestEveryKindEveryStyle sends every kind of failure in every style
// through a real SDK pipeline and checks the span, both metrics and the
// exception log record.
func TestEveryKindEveryStyle(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		for _, kind := range errresp.Kinds() {
			t.Run(st.Name+"/"+kind.String(), func(t *testing.T) {
				t.Parallel()
				tm := newTelemetry(t)
				fail := errresp.Wrap(kind, errors.New("query failed: "+secret), "")
				rec := serve(tm.service(st, fail, nil), httptest.NewRequest("GET", "/fail/42", nil))
				want := st.Code(kind)
				if rec.Code != want.Status {
					t.Fatalf("status %d, want %d", rec.Code, want.Status)
				}
				checkFailure(t, tm, rec, kind.String(), want.Code, want.Status, "/fail/{n}")
				checkException(t, tm, want.Status, "*errors.errorString", "query failed: "+secret, false)
			})
		}
	}
}

// checkFailure checks the span and both metrics of one failure.
func checkFailure(t *testing.T, tm *telemetry, rec *httptest.ResponseRecorder, errType, code string, status int, route string) {
	t.Helper()
	span := tm.span(t)
	if v, _ := spanAttr(span, semconv.ErrorTypeKey); v.AsString() != errType {
		t.Errorf("span error.type = %q, want %q", v.Emit(), errType)
	}
	if v, _ := spanAttr(span, otelapierror.AttrCode); v.AsString() != code {
		t.Errorf("span apierror.code = %q, want %q", v.Emit(), code)
	}
	if wantErr := status >= 500; (span.Status().Code == codes.Error) != wantErr {
		t.Errorf("span status %v for %d; Error is for 5xx only", span.Status(), status)
	}
	if status >= 500 && span.Status().Description != errType {
		t.Errorf("span status description %q, want the kind %q", span.Status().Description, errType)
	}
	if len(span.Events()) != 0 {
		t.Errorf("span has events %v; exceptions go to log records", span.Events())
	}
	if got := rec.Header().Get(errresp.HeaderRequestID); got != span.SpanContext().TraceID().String() {
		t.Errorf("X-Request-ID %q, want the trace id %s", got, span.SpanContext().TraceID())
	}

	rm := tm.collect(t)
	dur := durationAttrs(t, rm)
	if len(dur) != 1 {
		t.Fatalf("%d duration series, want 1", len(dur))
	}
	if v, _ := dur[0].Value(semconv.ErrorTypeKey); v.AsString() != errType {
		t.Errorf("http.server.request.duration error.type = %q, want %q (attributes %v)", v.Emit(), errType, dur[0].ToSlice())
	}
	dps := failures(t, rm)
	if len(dps) != 1 || dps[0].Value != 1 {
		t.Fatalf("failure counter points %+v, want one of 1", dps)
	}
	wantSet := []attribute.KeyValue{semconv.ErrorTypeKey.String(errType), otelapierror.AttrCode.String(code),
		semconv.HTTPResponseStatusCodeKey.Int(status)}
	if route != "" {
		wantSet = append(wantSet, semconv.HTTPRouteKey.String(route))
	}
	if want := attribute.NewSet(wantSet...); !dps[0].Attributes.Equals(&want) {
		t.Errorf("failure counter attributes %v, want %v", dps[0].Attributes.ToSlice(), want.ToSlice())
	}
	if strings.Contains(rec.Body.String(), secret) {
		t.Errorf("body leaks the cause: %s", rec.Body)
	}
}

// checkException checks the log records of a failure with the given
// status: one exception record, on the span, for a 5xx; none, and nothing
// of the cause anywhere in the telemetry, for a 4xx.
func checkException(t *testing.T, tm *telemetry, status int, excType, excMsg string, stack bool) {
	t.Helper()
	logs := tm.logs.all()
	span := tm.span(t)
	if status < 500 {
		if len(logs) != 0 {
			t.Fatalf("%d log records for a %d, want none", len(logs), status)
		}
		for _, kv := range span.Attributes() {
			if strings.Contains(kv.Value.Emit(), secret) {
				t.Fatalf("a %d's span attribute %s holds the cause", status, kv.Key)
			}
		}
		return
	}
	if len(logs) != 1 {
		t.Fatalf("%d log records for a %d, want 1", len(logs), status)
	}
	lr := logs[0]
	if lr.EventName() != otelapierror.EventException || lr.Severity() != log.SeverityError {
		t.Errorf("log record %q at %v, want %q at ERROR", lr.EventName(), lr.Severity(), otelapierror.EventException)
	}
	if lr.TraceID() != span.SpanContext().TraceID() || lr.SpanID() != span.SpanContext().SpanID() {
		t.Errorf("log record on trace %s span %s, want the server span %s %s", lr.TraceID(), lr.SpanID(),
			span.SpanContext().TraceID(), span.SpanContext().SpanID())
	}
	if got := logAttr(lr, semconv.ExceptionTypeKey); got != excType {
		t.Errorf("exception.type = %q, want %q", got, excType)
	}
	if got := logAttr(lr, semconv.ExceptionMessageKey); got != excMsg {
		t.Errorf("exception.message = %q, want %q", got, excMsg)
	}
	if got := logAttr(lr, semconv.ExceptionStacktraceKey); (got != "") != stack ||
		stack && !strings.Contains(got, "harness_test.go") {
		t.Errorf("exception.stacktrace = %q, want a stack: %v", got, stack)
	}
}

func TestPanicEveryStyle(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		t.Run(st.Name, func(t *testing.T) {
			t.Parallel()
			tm := newTelemetry(t)
			rec := serve(tm.service(st, nil, "nil map write near "+secret), httptest.NewRequest("GET", "/panic/1", nil))
			want := st.Code(errresp.Internal)
			checkFailure(t, tm, rec, "internal", want.Code, want.Status, "/panic/{n}")
			checkException(t, tm, want.Status, "string", "nil map write near "+secret, true)
		})
	}
}

// TestInterceptedEveryStyle covers an error response written by code that
// does not know the library (http.Error), which the per-request writer turns
// into an envelope: it is recorded like any other failure, and a 5xx's text
// reaches only the exception log record.
func TestInterceptedEveryStyle(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		for _, tc := range []struct {
			status int
			kind   errresp.Kind
		}{{409, errresp.Conflict}, {500, errresp.Internal}, {502, errresp.BadGateway}} {
			t.Run(st.Name+"/"+tc.kind.String(), func(t *testing.T) {
				t.Parallel()
				tm := newTelemetry(t)
				rec := serve(tm.service(st, nil, nil), httptest.NewRequest("GET", "/legacy/"+strconv.Itoa(tc.status), nil))
				want := st.Code(tc.kind)
				checkFailure(t, tm, rec, tc.kind.String(), want.Code, tc.status, "/legacy/{status}")
				if tc.status < 500 {
					checkException(t, tm, tc.status, "", "", false)
					return
				}
				body := "pq: password authentication failed: " + secret + "\n"
				msg := "handler answered " + strconv.Itoa(tc.status) + " (" + strconv.Itoa(len(body)) + " bytes): " + body
				checkException(t, tm, tc.status, "*errresp.ForeignError", msg, false)
			})
		}
	}
}

// TestRouterMisses covers failures no handler returned: chi's 404 and 405
// have no route pattern, and the counter leaves http.route out rather than
// use the raw path.
func TestRouterMisses(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		for _, tc := range []struct {
			method, path string
			kind         errresp.Kind
		}{{"GET", "/nowhere/raw-path-1", errresp.NotFound}, {"DELETE", "/ok/1", errresp.MethodNotAllowed}} {
			t.Run(st.Name+"/"+tc.kind.String(), func(t *testing.T) {
				t.Parallel()
				tm := newTelemetry(t)
				rec := serve(tm.service(st, nil, nil), httptest.NewRequest(tc.method, tc.path, nil))
				want := st.Code(tc.kind)
				checkFailure(t, tm, rec, tc.kind.String(), want.Code, want.Status, "")
				checkException(t, tm, want.Status, "", "", false)
			})
		}
	}
}

// TestOwnCode checks that a service's own code is the one recorded.
func TestOwnCode(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t)
	e := errresp.New(errresp.Conflict, "The machine is locked.")
	e.Code = "VM_LOCKED"
	rec := serve(tm.service(errresp.GPCN, e, nil), httptest.NewRequest("GET", "/fail/1", nil))
	checkFailure(t, tm, rec, "conflict", "VM_LOCKED", 409, "/fail/{n}")
}

// TestUnkindedError checks that an error the library knows nothing of is
// recorded as internal, with its own type and text in the log record only.
func TestUnkindedError(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t)
	rec := serve(tm.service(errresp.Problem, errors.New("dial tcp: "+secret), nil), httptest.NewRequest("GET", "/fail/1", nil))
	want := errresp.Problem.Code(errresp.Internal)
	checkFailure(t, tm, rec, "internal", want.Code, want.Status, "/fail/{n}")
	checkException(t, tm, want.Status, "*errors.errorString", "dial tcp: "+secret, false)
}

// TestSuccessRecordsNothing checks that a success gets no error.type, no
// failure count and no log record.
func TestSuccessRecordsNothing(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		t.Run(st.Name, func(t *testing.T) {
			t.Parallel()
			tm := newTelemetry(t)
			rec := serve(tm.service(st, nil, nil), httptest.NewRequest("GET", "/ok/1", nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			span := tm.span(t)
			if _, ok := spanAttr(span, semconv.ErrorTypeKey); ok {
				t.Error("a success has error.type on its span")
			}
			if _, ok := spanAttr(span, otelapierror.AttrCode); ok {
				t.Error("a success has apierror.code on its span")
			}
			if span.Status().Code != codes.Unset {
				t.Errorf("span status %v", span.Status())
			}
			rm := tm.collect(t)
			for _, set := range durationAttrs(t, rm) {
				if set.HasValue(semconv.ErrorTypeKey) {
					t.Errorf("duration series of a success has error.type: %v", set.ToSlice())
				}
			}
			if dps := failures(t, rm); len(dps) != 0 {
				t.Errorf("failure counter has %+v after a success", dps)
			}
			if n := len(tm.logs.all()); n != 0 {
				t.Errorf("%d log records after a success", n)
			}
		})
	}
}

// TestWithoutSpan checks that without otelhttp (no span, no labeler) the
// counter and the log record are still recorded and nothing fails.
func TestWithoutSpan(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t)
	h := tm.middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = errresp.Write(w, r, errresp.Wrap(errresp.Unavailable, errors.New("redis down"), ""))
	}))
	rec := serve(h, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 503 {
		t.Fatalf("status %d", rec.Code)
	}
	rm := tm.collect(t)
	if dps := failures(t, rm); len(dps) != 1 {
		t.Fatalf("failure counter points %+v, want 1", dps)
	}
	logs := tm.logs.all()
	if len(logs) != 1 || logs[0].TraceID().IsValid() {
		t.Fatalf("want one log record without a trace, got %d", len(logs))
	}
	if n := len(tm.spans.Ended()); n != 0 {
		t.Fatalf("%d spans", n)
	}
}

// TestBelowTimeout checks failures under middleware.Timeout, which runs the
// handler on a per-request state of its own: a failure returned in time
// (written on that state, whose hook Timeout copied) and the 504 Timeout
// writes itself.
func TestBelowTimeout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		kind errresp.Kind
	}{{"/quick/1", errresp.NotFound}, {"/slow/1", errresp.Timeout}} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			tm := newTelemetry(t)
			r := chi.NewRouter()
			r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan()), tm.middleware(), middleware.Recoverer(), middleware.Style(errresp.DevDocs))
			// The quick route's deadline is far off, so that a loaded
			// machine never makes it time out; the slow one never answers.
			r.With(middleware.Timeout(time.Minute)).Method("GET", "/quick/{n}", middleware.Handler(func(http.ResponseWriter, *http.Request) error {
				return errresp.New(errresp.NotFound, "")
			}))
			r.With(middleware.Timeout(20*time.Millisecond)).Method("GET", "/slow/{n}", middleware.Handler(func(_ http.ResponseWriter, r *http.Request) error {
				<-r.Context().Done()
				return r.Context().Err()
			}))
			rec := serve(tm.otelhttp(r), httptest.NewRequest("GET", tc.path, nil))
			want := errresp.DevDocs.Code(tc.kind)
			route := strings.Replace(tc.path, "1", "{n}", 1)
			checkFailure(t, tm, rec, tc.kind.String(), want.Code, want.Status, route)
		})
	}
}
