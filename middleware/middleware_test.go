package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// logRecord is one captured log line.
type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

// logStore captures every line the package logs, keyed by request id, so
// that parallel tests each read their own lines.
type logStore struct {
	mu      sync.Mutex
	recs    map[string][]logRecord
	changed chan struct{} // closed and replaced on every new line
}

var testLogs = &logStore{recs: map[string][]logRecord{}, changed: make(chan struct{})}

func (s *logStore) Enabled(context.Context, slog.Level) bool { return true }
func (s *logStore) WithAttrs(as []slog.Attr) slog.Handler {
	return &logWith{s: s, attrs: as}
}
func (s *logStore) WithGroup(string) slog.Handler { return s }
func (s *logStore) Handle(_ context.Context, r slog.Record) error {
	return s.handle(r, nil)
}

func (s *logStore) handle(r slog.Record, pre []slog.Attr) error {
	rec := logRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	for _, a := range pre {
		rec.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	id := rec.attrs[LogKeyRequestID]
	s.recs[id] = append(s.recs[id], rec)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

type logWith struct {
	s     *logStore
	attrs []slog.Attr
}

func (l *logWith) Enabled(context.Context, slog.Level) bool { return true }
func (l *logWith) WithAttrs(as []slog.Attr) slog.Handler {
	return &logWith{s: l.s, attrs: append(append([]slog.Attr(nil), l.attrs...), as...)}
}
func (l *logWith) WithGroup(string) slog.Handler { return l }
func (l *logWith) Handle(_ context.Context, r slog.Record) error {
	return l.s.handle(r, l.attrs)
}

// logsFor returns the lines logged for the request id.
func logsFor(id string) []logRecord {
	testLogs.mu.Lock()
	defer testLogs.mu.Unlock()
	return append([]logRecord(nil), testLogs.recs[id]...)
}

func TestMain(m *testing.M) {
	SetLogger(slog.New(testLogs))
	os.Exit(m.Run())
}

// newID returns a request id unique to the calling test case.
func newID(t *testing.T) string {
	t.Helper()
	return "t-" + NewRequestID()
}

// request returns a request carrying the request id id (kept by RequestID).
func request(method, target, id string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	if id != "" {
		r.Header.Set(errresp.HeaderRequestID, id)
	}
	return r
}

// serve runs h on r and returns the recorded response.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// envelope decodes the recorded error response, failing the test unless it
// is a well-formed envelope in style s with the given status.
func envelope(t *testing.T, rec *httptest.ResponseRecorder, s *errresp.Style, status int) *errresp.Error {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != styleContentType(s) {
		t.Fatalf("Content-Type = %q, want %q (style %s)", ct, styleContentType(s), s.Name)
	}
	body, want := rec.Body.Bytes(), errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	if len(body) == 0 || body[0] != '{' {
		t.Fatalf("body is not a JSON object: %q", body)
	}
	return want
}

// assertNotContains fails when the body holds any of the secrets.
func assertNotContains(t *testing.T, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("body leaks %q: %s", s, body)
		}
	}
}

// chain applies middleware outermost first.
func chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// waitLog waits for a line with the message prefix to be logged for id,
// for code that logs from another goroutine. It gives up after a minute,
// a bound on a hang rather than a timing assumption.
func waitLog(id, prefix string) (logRecord, bool) {
	give := time.After(time.Minute)
	for {
		testLogs.mu.Lock()
		changed := testLogs.changed
		testLogs.mu.Unlock()
		if l, ok := hasLog(id, prefix); ok {
			return l, true
		}
		select {
		case <-changed:
		case <-give:
			return logRecord{}, false
		}
	}
}

// hasLog reports whether a line with the message prefix was logged for id.
func hasLog(id, prefix string) (logRecord, bool) {
	for _, r := range logsFor(id) {
		if strings.HasPrefix(r.msg, prefix) {
			return r, true
		}
	}
	return logRecord{}, false
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok"))
})

func TestSetLoggerNilUsesDefault(t *testing.T) {
	// Not parallel: it swaps the package logger.
	SetLogger(nil)
	defer SetLogger(slog.New(testLogs))
	if loggerBase() != slog.Default() {
		t.Fatal("SetLogger(nil) does not fall back to slog.Default")
	}
	r := errresp.WithRequestID(request("GET", "/", ""), "abc")
	if requestLogger(r) == nil {
		t.Fatal("requestLogger returned nil")
	}
}

// respID returns the request id the response carries, failing the test
// when it is sent under two spellings of the header name (which would put
// two X-Request-ID lines on the wire).
func respID(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	n := 0
	var id string
	for k, v := range rec.Header() {
		if strings.EqualFold(k, errresp.HeaderRequestID) {
			n++
			if len(v) != 1 {
				t.Fatalf("%s sent %d times: %q", k, len(v), v)
			}
			id = v[0]
		}
	}
	if n > 1 {
		t.Fatalf("request id header sent under %d spellings: %v", n, rec.Header())
	}
	return id
}
