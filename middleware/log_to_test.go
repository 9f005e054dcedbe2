package middleware_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// lockedBuf is a log destination safe for the goroutine Timeout runs the
// handler on.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogTo: the lines logged for a request below LogTo go to its logger,
// with the request id: a returned error's 5xx, a recovered panic, a
// timeout (on the handler's own goroutine), an Authenticator given no
// logger of its own; a LogTo on a route group replaces the router's for the
// requests below it, and nothing of it reaches the other.
func TestLogTo(t *testing.T) {
	t.Parallel()
	var top, group lockedBuf
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.LogTo(slog.New(slog.NewJSONHandler(&top, nil))),
		middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.Get("/err", middleware.Handler(func(http.ResponseWriter, *http.Request) error { return errors.New("db down: secret") }))
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	r.With(middleware.Timeout(time.Millisecond)).Get("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	r.With(auth.New(&auth.KeyRing{}).Require).Get("/auth", func(http.ResponseWriter, *http.Request) {})
	r.Route("/g", func(g chi.Router) {
		g.Use(middleware.LogTo(slog.New(slog.NewJSONHandler(&group, nil))))
		g.Get("/err", middleware.Handler(func(http.ResponseWriter, *http.Request) error { return errors.New("group down") }))
	})
	for _, c := range []struct{ path, id, want string }{
		{"/err", "log-err", "db down: secret"},
		{"/panic", "log-panic", "boom"},
		{"/slow", "log-slow", "handler timed out"},
		{"/auth", "log-auth", "authentication failed"},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		req.Header.Set(errresp.HeaderRequestID, c.id)
		r.ServeHTTP(httptest.NewRecorder(), req)
		line := lineWith(top.String(), `"request_id":"`+c.id+`"`)
		if !strings.Contains(line, c.want) {
			t.Errorf("%s: LogTo's logger has %q; want a line with the request id and %q", c.path, line, c.want)
		}
	}
	req := httptest.NewRequest("GET", "/g/err", nil)
	req.Header.Set(errresp.HeaderRequestID, "log-group")
	r.ServeHTTP(httptest.NewRecorder(), req)
	if line := lineWith(group.String(), `"request_id":"log-group"`); !strings.Contains(line, "group down") {
		t.Errorf("the group's LogTo has %q", group.String())
	}
	if strings.Contains(top.String(), "log-group") || strings.Contains(group.String(), "log-err") {
		t.Errorf("a line reached the other logger:\ntop: %s\ngroup: %s", top.String(), group.String())
	}
}

func lineWith(logs, s string) string {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestLogToNilPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), "LogTo") {
			t.Fatalf("LogTo(nil) recovered %v; want a panic naming LogTo", v)
		}
	}()
	middleware.LogTo(nil)
}
