package otelapierror_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// testLogs holds every line the middleware logs during the tests, as JSON,
// through LogHandler.
var testLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

type lockedWriter struct{}

func (lockedWriter) Write(b []byte) (int, error) {
	testLogs.mu.Lock()
	defer testLogs.mu.Unlock()
	return testLogs.buf.Write(b)
}

func TestMain(m *testing.M) {
	// Every test service logs to slog.Default() (no LogTo), so to these lines.
	slog.SetDefault(slog.New(otelapierror.LogHandler(slog.NewJSONHandler(lockedWriter{}, nil))))
	os.Exit(m.Run())
}

// logLines returns the logged lines whose request_id is id.
func logLines(t *testing.T, id string) []map[string]any {
	t.Helper()
	testLogs.mu.Lock()
	defer testLogs.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(testLogs.buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m[middleware.LogKeyRequestID] == id {
			out = append(out, m)
		}
	}
	return out
}

// TestLogLinesCarryTrace checks that the middleware's log line of a 5xx
// carries the trace and span ids of the server span, and that a line
// logged without a span carries neither.
func TestLogLinesCarryTrace(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t)
	rec := serve(tm.service(errresp.GPCN(), errresp.New(errresp.Internal, ""), nil), httptest.NewRequest("GET", "/fail/1", nil))
	span := tm.span(t)
	lines := logLines(t, rec.Header().Get(errresp.HeaderRequestID))
	if len(lines) != 1 {
		t.Fatalf("%d log lines for the request, want 1", len(lines))
	}
	if lines[0][otelapierror.LogKeyTraceID] != span.SpanContext().TraceID().String() ||
		lines[0][otelapierror.LogKeySpanID] != span.SpanContext().SpanID().String() {
		t.Fatalf("log line %v, want trace %s span %s", lines[0], span.SpanContext().TraceID(), span.SpanContext().SpanID())
	}

	h := middleware.RequestID()(tm.middleware()(middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
		return errresp.New(errresp.Internal, "")
	})))
	rec = serve(h, httptest.NewRequest("GET", "/x", nil))
	lines = logLines(t, rec.Header().Get(errresp.HeaderRequestID))
	if len(lines) != 1 {
		t.Fatalf("%d log lines without a span, want 1", len(lines))
	}
	if _, ok := lines[0][otelapierror.LogKeyTraceID]; ok {
		t.Fatalf("log line without a span has a trace id: %v", lines[0])
	}
}

func TestLogHandlerGroupsAndAttrs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(otelapierror.LogHandler(slog.NewJSONHandler(&buf, nil))).With("svc", "a").WithGroup("g")
	l.Info("hi", "k", "v")
	if got := strings.TrimSpace(buf.String()); !strings.Contains(got, `"svc":"a","g":{"k":"v"}`) {
		t.Fatalf("line %s", got)
	}
}
