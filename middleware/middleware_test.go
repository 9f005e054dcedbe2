package middleware

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// mwLogRecord is one captured log line.
type mwLogRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

// mwLogStore captures every line the package logs, keyed by request id, so
// that parallel tests each read their own lines.
type mwLogStore struct {
	mu      sync.Mutex
	recs    map[string][]mwLogRecord
	changed chan struct{} // closed and replaced on every new line
}

var mwTestLogs = &mwLogStore{recs: map[string][]mwLogRecord{}, changed: make(chan struct{})}

func (s *mwLogStore) Enabled(context.Context, slog.Level) bool { return true }
func (s *mwLogStore) WithAttrs(as []slog.Attr) slog.Handler {
	return &mwLogWith{s: s, attrs: as}
}
func (s *mwLogStore) WithGroup(string) slog.Handler { return s }
func (s *mwLogStore) Handle(_ context.Context, r slog.Record) error {
	return s.handle(r, nil)
}

func (s *mwLogStore) handle(r slog.Record, pre []slog.Attr) error {
	rec := mwLogRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
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

type mwLogWith struct {
	s     *mwLogStore
	attrs []slog.Attr
}

func (l *mwLogWith) Enabled(context.Context, slog.Level) bool { return true }
func (l *mwLogWith) WithAttrs(as []slog.Attr) slog.Handler {
	return &mwLogWith{s: l.s, attrs: append(append([]slog.Attr(nil), l.attrs...), as...)}
}
func (l *mwLogWith) WithGroup(string) slog.Handler { return l }
func (l *mwLogWith) Handle(_ context.Context, r slog.Record) error {
	return l.s.handle(r, l.attrs)
}

// mwLogsFor returns the lines logged for the request id.
func mwLogsFor(id string) []mwLogRecord {
	mwTestLogs.mu.Lock()
	defer mwTestLogs.mu.Unlock()
	return append([]mwLogRecord(nil), mwTestLogs.recs[id]...)
}

var mwLogsOnce sync.Once

// mwUseTestLogs routes the package's log lines to mwTestLogs: with no
// LogTo mounted, they go to slog.Default(), which the package's tests set
// once and never restore.
func mwUseTestLogs() { mwLogsOnce.Do(func() { slog.SetDefault(slog.New(mwTestLogs)) }) }

// mwNewID returns a request id unique to the calling test case.
func mwNewID(t *testing.T) string {
	t.Helper()
	mwUseTestLogs()
	return "t-" + NewRequestID()
}

// mwRequest returns a request carrying the request id id (kept by RequestID).
func mwRequest(method, target, id string) *http.Request {
	mwUseTestLogs()
	r := httptest.NewRequest(method, target, nil)
	if id != "" {
		r.Header.Set(errresp.HeaderRequestID, id)
	}
	return r
}

// mwServe runs h on r and returns the recorded response.
func mwServe(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// mwEnvelope decodes the recorded error response, failing the test unless it
// is a well-formed envelope in style s with the given status.
func mwEnvelope(t *testing.T, rec *httptest.ResponseRecorder, s *errresp.Style, status int) *errresp.Error {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != styleContentType(s) {
		t.Fatalf("Content-Type = %q, want %q (style %s)", ct, styleContentType(s), s.Name)
	}
	body := rec.Body.Bytes()
	if !json.Valid(body) || len(body) == 0 || body[0] != '{' {
		t.Fatalf("body is not a JSON object: %q", body)
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("envelope without X-Content-Type-Options: nosniff")
	}
	return errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), body)
}

// mwAssertNotContains fails when the body holds any of the secrets.
func mwAssertNotContains(t *testing.T, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("body leaks %q: %s", s, body)
		}
	}
}

// mwChain applies middleware outermost first.
func mwChain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// mwWaitLog waits for a line with the message prefix to be logged for id,
// for code that logs from another goroutine. It gives up after a minute,
// a bound on a hang rather than a timing assumption.
func mwWaitLog(id, prefix string) (mwLogRecord, bool) {
	give := time.After(time.Minute)
	for {
		mwTestLogs.mu.Lock()
		changed := mwTestLogs.changed
		mwTestLogs.mu.Unlock()
		if l, ok := mwHasLog(id, prefix); ok {
			return l, true
		}
		select {
		case <-changed:
		case <-give:
			return mwLogRecord{}, false
		}
	}
}

// mwHasLog reports whether a line with the message prefix was logged for id.
func mwHasLog(id, prefix string) (mwLogRecord, bool) {
	for _, r := range mwLogsFor(id) {
		if strings.HasPrefix(r.msg, prefix) {
			return r, true
		}
	}
	return mwLogRecord{}, false
}

var mwOkHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok"))
})

// mwRespID returns the request id the response carries, failing the test
// when it is sent under two spellings of the header name (which would put
// two X-Request-ID lines on the wire).
func mwRespID(t *testing.T, rec *httptest.ResponseRecorder) string {
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
