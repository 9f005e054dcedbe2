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

const mwSecret = "sk_live_51Hx-SECRET-token"

func TestRecovererEnvelope(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		panic func()
	}{
		{"string with secret", func() { panic("db password " + mwSecret) }},
		{"error with secret", func() { panic(fmt.Errorf("dial: %s", mwSecret)) }},
		{"nil pointer", func() {
			var m *struct{ s string }
			_ = m.s
		}},
		{"nil panic", func() { panic(nil) }},
		{"errresp error value", func() { panic(errresp.New(errresp.NotFound, mwSecret)) }},
		{"index out of range", func() {
			var a []int
			i := len(mwSecret)
			_ = a[i]
		}},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				id := mwNewID(t)
				h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.panic() }),
					RequestID(), Recoverer(), Style(s))
				rec := mwServe(h, mwRequest("GET", "/boom", id))
				e := mwEnvelope(t, rec, s, 500)
				if e.Kind != errresp.Internal || e.RequestID != id || mwRespID(t, rec) != id {
					t.Fatalf("kind %v id %q, want internal %q", e.Kind, e.RequestID, id)
				}
				mwAssertNotContains(t, rec.Body.String(), mwSecret, "goroutine", ".go:", "runtime error", "nil pointer")
				logs := mwLogsFor(id)
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
	h := Recoverer()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(mwSecret) }))
	rec := mwServe(h, mwRequest("GET", "/", ""))
	mwEnvelope(t, rec, errresp.Default, 500)
	mwAssertNotContains(t, rec.Body.String(), mwSecret)
}

func TestRecovererAbortHandler(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }),
		RequestID(), Recoverer())
	rec := httptest.NewRecorder()
	v := mwCatchPanic(func() { h.ServeHTTP(rec, mwRequest("GET", "/", id)) })
	if v != http.ErrAbortHandler {
		t.Fatalf("re-panicked with %v, want http.ErrAbortHandler", v)
	}
	if rec.Body.Len() != 0 || len(mwLogsFor(id)) != 0 {
		t.Fatalf("abort wrote %q or logged %+v", rec.Body, mwLogsFor(id))
	}
}

// mwCatchPanic runs fn and returns what it panicked with.
func mwCatchPanic(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

func TestRecovererAfterPartialWrite(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte("partial"))
		panic(mwSecret)
	}), RequestID(), Recoverer())
	rec := httptest.NewRecorder()
	v := mwCatchPanic(func() { h.ServeHTTP(rec, mwRequest("GET", "/", id)) })
	if v != http.ErrAbortHandler {
		t.Fatalf("started response not aborted: panic %v", v)
	}
	if rec.Code != http.StatusAccepted || rec.Body.String() != "partial" {
		t.Fatalf("something written after the partial response: %d %q", rec.Code, rec.Body)
	}
	l, ok := mwHasLog(id, "panic recovered after the response started")
	if !ok || l.attrs["status"] != "202" || !strings.Contains(l.attrs["panic"], mwSecret) {
		t.Fatalf("missing log of the late panic: %+v", mwLogsFor(id))
	}
}

func TestRecovererClientGone(t *testing.T) {
	t.Parallel()
	for _, err := range []error{syscall.EPIPE, syscall.ECONNRESET, net.ErrClosed} {
		t.Run(err.Error(), func(t *testing.T) {
			t.Parallel()
			id := mwNewID(t)
			h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				panic(fmt.Errorf("write tcp: %w", &net.OpError{Op: "write", Err: err}))
			}), RequestID(), Recoverer())
			rec := mwServe(h, mwRequest("GET", "/", id))
			if rec.Body.Len() != 0 {
				t.Fatalf("wrote to a client that is gone: %q", rec.Body)
			}
			logs := mwLogsFor(id)
			if len(logs) != 1 || logs[0].level.String() != "DEBUG" {
				t.Fatalf("want one debug line, got %+v", logs)
			}
		})
	}
}

// mwHijackWriter is a ResponseWriter whose connection can be hijacked.
type mwHijackWriter struct {
	*httptest.ResponseRecorder
	conn net.Conn
}

func (h *mwHijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

func TestRecovererHijacked(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, err := http.NewResponseController(w).Hijack(); err != nil {
			t.Errorf("hijack: %v", err)
		}
		panic("after upgrade")
	}), RequestID(), Recoverer())
	hw := &mwHijackWriter{ResponseRecorder: httptest.NewRecorder(), conn: c1}
	r := mwRequest("GET", "/ws", id)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	if v := mwCatchPanic(func() { h.ServeHTTP(hw, r) }); v != nil {
		t.Fatalf("hijacked connection aborted with %v", v)
	}
	if hw.Body.Len() != 0 || hw.Code != 200 {
		t.Fatalf("wrote to a hijacked connection: %d %q", hw.Code, hw.Body)
	}
	if _, ok := mwHasLog(id, "panic recovered after the response started"); !ok {
		t.Fatalf("panic after hijack not logged: %+v", mwLogsFor(id))
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
		{"unmapped", mwSecret, 500, errresp.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(tc.value) }),
				Recoverer(mapper), Style(errresp.GPCN()))
			rec := mwServe(h, mwRequest("GET", "/", ""))
			if e := mwEnvelope(t, rec, errresp.GPCN(), tc.status); e.Kind != tc.kind {
				t.Fatalf("kind = %v, want %v", e.Kind, tc.kind)
			}
			mwAssertNotContains(t, rec.Body.String(), mwSecret)
		})
	}
	mwAssertPanics(t, func() { RecovererMap(nil) })
}

func TestRecovererServer(t *testing.T) {
	t.Parallel()
	// Over a real connection: a panic after a partial chunked write must
	// leave the client with a broken response, not a complete-looking one.
	srv := httptest.NewServer(mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
