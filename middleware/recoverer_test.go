package middleware

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/apierror/apierror/errresp"
)

const secret = "sk_live_51Hx-SECRET-token"

func TestRecovererEnvelope(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		panic func()
	}{
		{"string with secret", func() { panic("db password " + secret) }},
		{"error with secret", func() { panic(fmt.Errorf("dial: %s", secret)) }},
		{"nil pointer", func() {
			var m *struct{ s string }
			_ = m.s
		}},
		{"nil panic", func() { panic(nil) }},
		{"errresp error value", func() { panic(errresp.New(errresp.NotFound, secret)) }},
		{"index out of range", func() {
			var a []int
			i := len(secret)
			_ = a[i]
		}},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				id := newID(t)
				h := chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.panic() }),
					RequestID(), Recoverer(), Style(s))
				rec := serve(h, request("GET", "/boom", id))
				e := envelope(t, rec, s, 500)
				if e.Kind != errresp.Internal || e.RequestID != id || respID(t, rec) != id {
					t.Fatalf("kind %v id %q, want internal %q", e.Kind, e.RequestID, id)
				}
				assertNotContains(t, rec.Body.String(), secret, "goroutine", ".go:", "runtime error", "nil pointer")
				logs := logsFor(id)
				if len(logs) != 1 || logs[0].msg != "panic recovered" {
					t.Fatalf("want one panic log line, got %+v", logs)
				}
				if !strings.Contains(logs[0].attrs["stack"], "recoverer_test.go") || logs[0].attrs["panic"] == "" {
					t.Fatalf("log lacks the panic value or stack: %+v", logs[0].attrs)
				}
			})
		}
	}
}

func TestRecovererAlone(t *testing.T) {
	t.Parallel()
	h := Recoverer()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(secret) }))
	rec := serve(h, request("GET", "/", ""))
	envelope(t, rec, errresp.Default, 500)
	assertNotContains(t, rec.Body.String(), secret)
}

func TestRecovererAbortHandler(t *testing.T) {
	t.Parallel()
	id := newID(t)
	h := chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }),
		RequestID(), Recoverer())
	rec := httptest.NewRecorder()
	v := catchPanic(func() { h.ServeHTTP(rec, request("GET", "/", id)) })
	if v != http.ErrAbortHandler {
		t.Fatalf("re-panicked with %v, want http.ErrAbortHandler", v)
	}
	if rec.Body.Len() != 0 || len(logsFor(id)) != 0 {
		t.Fatalf("abort wrote %q or logged %+v", rec.Body, logsFor(id))
	}
}

// catchPanic runs fn and returns what it panicked with.
func catchPanic(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

func TestRecovererAfterPartialWrite(t *testing.T) {
	t.Parallel()
	id := newID(t)
	h := chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte("partial"))
		panic(secret)
	}), RequestID(), Recoverer())
	rec := httptest.NewRecorder()
	v := catchPanic(func() { h.ServeHTTP(rec, request("GET", "/", id)) })
	if v != http.ErrAbortHandler {
		t.Fatalf("started response not aborted: panic %v", v)
	}
	if rec.Code != http.StatusAccepted || rec.Body.String() != "partial" {
		t.Fatalf("something written after the partial response: %d %q", rec.Code, rec.Body)
	}
	l, ok := hasLog(id, "panic recovered after the response started")
	if !ok || l.attrs["status"] != "202" || !strings.Contains(l.attrs["panic"], secret) {
		t.Fatalf("missing log of the late panic: %+v", logsFor(id))
	}
}

func TestRecovererClientGone(t *testing.T) {
	t.Parallel()
	for _, err := range []error{syscall.EPIPE, syscall.ECONNRESET, net.ErrClosed} {
		t.Run(err.Error(), func(t *testing.T) {
			t.Parallel()
			id := newID(t)
			h := chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				panic(fmt.Errorf("write tcp: %w", &net.OpError{Op: "write", Err: err}))
			}), RequestID(), Recoverer())
			rec := serve(h, request("GET", "/", id))
			if rec.Body.Len() != 0 {
				t.Fatalf("wrote to a client that is gone: %q", rec.Body)
			}
			logs := logsFor(id)
			if len(logs) != 1 || logs[0].level.String() != "DEBUG" {
				t.Fatalf("want one debug line, got %+v", logs)
			}
		})
	}
}

// hijackWriter is a ResponseWriter whose connection can be hijacked.
type hijackWriter struct {
	*httptest.ResponseRecorder
	conn net.Conn
}

func (h *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

func TestRecovererHijacked(t *testing.T) {
	t.Parallel()
	id := newID(t)
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	h := chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, err := http.NewResponseController(w).Hijack(); err != nil {
			t.Errorf("hijack: %v", err)
		}
		panic("after upgrade")
	}), RequestID(), Recoverer())
	hw := &hijackWriter{ResponseRecorder: httptest.NewRecorder(), conn: c1}
	r := request("GET", "/ws", id)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	if v := catchPanic(func() { h.ServeHTTP(hw, r) }); v != nil {
		t.Fatalf("hijacked connection aborted with %v", v)
	}
	if hw.Body.Len() != 0 || hw.Code != 200 {
		t.Fatalf("wrote to a hijacked connection: %d %q", hw.Code, hw.Body)
	}
	if _, ok := hasLog(id, "panic recovered after the response started"); !ok {
		t.Fatalf("panic after hijack not logged: %+v", logsFor(id))
	}
}

func TestRecovererMap(t *testing.T) {
	t.Parallel()
	errLocked := errors.New("locked")
	mapper := RecovererMap(func(r *http.Request, v any) *errresp.Error {
		if err, ok := v.(error); ok && errors.Is(err, errLocked) {
			return errresp.New(errresp.Conflict, "The resource is locked.")
		}
		return nil
	})
	cases := []struct {
		name   string
		value  any
		status int
		kind   errresp.Kind
	}{
		{"mapped", fmt.Errorf("x: %w", errLocked), 409, errresp.Conflict},
		{"unmapped", secret, 500, errresp.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(tc.value) }),
				Recoverer(mapper), Style(errresp.GPCN))
			rec := serve(h, request("GET", "/", ""))
			if e := envelope(t, rec, errresp.GPCN, tc.status); e.Kind != tc.kind {
				t.Fatalf("kind = %v, want %v", e.Kind, tc.kind)
			}
			assertNotContains(t, rec.Body.String(), secret)
		})
	}
	assertPanics(t, func() { RecovererMap(nil) })
}

func TestRecovererServer(t *testing.T) {
	t.Parallel()
	// Over a real connection: a panic after a partial chunked write must
	// leave the client with a broken response, not a complete-looking one.
	srv := httptest.NewServer(chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("partial"))
		http.NewResponseController(w).Flush()
		panic("late")
	}), RequestID(), Recoverer()))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	var body []byte
	var rerr error
	for rerr == nil {
		var n int
		n, rerr = resp.Body.Read(buf)
		body = append(body, buf[:n]...)
	}
	if string(body) != "partial" || errors.Is(rerr, nil) || rerr.Error() == "EOF" {
		t.Fatalf("body %q, read error %v; want partial body and an unexpected EOF", body, rerr)
	}
}
