package middleware

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// mwManualDeadline is a context whose deadline passes when the test says so.
type mwManualDeadline struct {
	context.Context
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	err  error
}

func (m *mwManualDeadline) Done() <-chan struct{} { return m.done }
func (m *mwManualDeadline) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}
func (m *mwManualDeadline) end(err error) {
	m.once.Do(func() {
		m.mu.Lock()
		m.err = err
		m.mu.Unlock()
		close(m.done)
	})
}

// mwManualTimeout returns Timeout(time.Hour) whose deadline the returned
// function triggers, before or while the handler runs.
func mwManualTimeout(opts ...TimeoutOption) (func(http.Handler) http.Handler, chan *mwManualDeadline) {
	ctxs := make(chan *mwManualDeadline, 1)
	set := func(c *timeoutConfig) {
		c.withTimeout = func(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
			m := &mwManualDeadline{Context: parent, done: make(chan struct{})}
			ctxs <- m
			return m, func() { m.end(context.Canceled) }
		}
	}
	return Timeout(time.Hour, append(opts, set)...), ctxs
}

func TestTimeoutDeadline(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		opts   []TimeoutOption
		kind   errresp.Kind
		status func(*errresp.Style) int
	}{
		{"default 504", nil, errresp.Timeout, func(s *errresp.Style) int { return s.Code(errresp.Timeout).Status }},
		{"503", []TimeoutOption{TimeoutError(errresp.New(errresp.Unavailable, "Busy."))}, errresp.Unavailable, func(s *errresp.Style) int { return s.Code(errresp.Unavailable).Status }},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				id := mwNewID(t)
				mw, ctxs := mwManualTimeout(tc.opts...)
				lateWrite := make(chan error, 1)
				h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Partial", "1")
					w.Write([]byte(`{"half":`))
					(<-ctxs).end(context.DeadlineExceeded) // the deadline passes mid-response
					<-r.Context().Done()
					_, err := w.Write([]byte(`"written late"}`))
					lateWrite <- err
				}), RequestID(), Recoverer(), Style(s), mw)
				rec := mwServe(h, mwRequest("GET", "/slow", id))
				e := mwEnvelope(t, rec, s, tc.status(s))
				if e.Kind != tc.kind || e.RequestID != id {
					t.Fatalf("decoded %+v", e)
				}
				mwAssertNotContains(t, rec.Body.String(), "half", "late")
				if rec.Header().Get("X-Partial") != "" {
					t.Fatal("the timed-out handler's headers leaked")
				}
				if err := <-lateWrite; !errors.Is(err, http.ErrHandlerTimeout) {
					t.Fatalf("late write returned %v, want http.ErrHandlerTimeout", err)
				}
				if _, ok := mwHasLog(id, "handler timed out"); !ok {
					t.Fatalf("timeout not logged: %+v", mwLogsFor(id))
				}
			})
		}
	}
}

func TestTimeoutInTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.Handler
		status  int
		body    string
	}{
		{"body", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Item", "1")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("created"))
		}), 201, "created"},
		{"implicit 200", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), 200, ""},
		{"interim dropped", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.Write([]byte("x"))
		}), 200, "x"},
		{"returned error", mwNotFoundHandler, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := mwNewID(t)
			h := mwChain(tc.handler, RequestID(), Style(errresp.GPCN()), Timeout(time.Hour))
			rec := mwServe(h, mwRequest("GET", "/", id))
			if tc.status >= 400 {
				e := mwEnvelope(t, rec, errresp.GPCN(), tc.status)
				if e.RequestID != id || mwRespID(t, rec) != id {
					t.Fatalf("request id lost below Timeout: %q %q", e.RequestID, mwRespID(t, rec))
				}
				return
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body {
				t.Fatalf("%d %q", rec.Code, rec.Body)
			}
			if mwRespID(t, rec) != id {
				t.Fatal("request id header lost")
			}
		})
	}
}

func TestTimeoutInnerState(t *testing.T) {
	t.Parallel()
	// Below Timeout, reqstate.Started describes the buffered response, so a
	// late error is not appended to a partial body.
	id := mwNewID(t)
	var started bool
	var seenID string
	h := mwChain(Handler(func(w http.ResponseWriter, r *http.Request) error {
		w.Write([]byte("partial"))
		started, _ = reqstate.Started(r)
		seenID = errresp.RequestID(r.Context())
		return errors.New("late")
	}), RequestID(), Timeout(time.Hour))
	rec := mwServe(h, mwRequest("GET", "/", id))
	if !started || seenID != id {
		t.Fatalf("inner state: started %v, id %q", started, seenID)
	}
	if rec.Code != 200 || rec.Body.String() != "partial" {
		t.Fatalf("%d %q", rec.Code, rec.Body)
	}
}

func TestTimeoutClientGone(t *testing.T) {
	t.Parallel()
	mw, ctxs := mwManualTimeout()
	handlerDone := make(chan struct{})
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handlerDone)
		(<-ctxs).end(context.Canceled)
		<-r.Context().Done()
	}), Style(errresp.GPCN()), mw)
	rec := mwServe(h, mwRequest("GET", "/", ""))
	<-handlerDone
	if e := mwEnvelope(t, rec, errresp.GPCN(), 499); e.Kind != errresp.Canceled {
		t.Fatalf("kind %v", e.Kind)
	}
}

func TestTimeoutPanics(t *testing.T) {
	t.Parallel()
	t.Run("recovered above", func(t *testing.T) {
		t.Parallel()
		id := mwNewID(t)
		h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("half"))
			panic(mwSecret)
		}), RequestID(), Recoverer(), Timeout(time.Hour))
		rec := mwServe(h, mwRequest("GET", "/", id))
		mwEnvelope(t, rec, errresp.Default, 500)
		mwAssertNotContains(t, rec.Body.String(), mwSecret, "half")
		l, ok := mwHasLog(id, "panic recovered")
		if !ok || !strings.Contains(l.attrs["stack"], "timeout_test.go") || l.attrs["panic"] != mwSecret {
			t.Fatalf("panic log lacks the handler's stack or value: %+v", mwLogsFor(id))
		}
	})
	t.Run("abort handler", func(t *testing.T) {
		t.Parallel()
		h := Timeout(time.Hour)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }))
		if v := mwCatchPanic(func() { mwServe(h, mwRequest("GET", "/", "")) }); v != http.ErrAbortHandler {
			t.Fatalf("panic %v, want http.ErrAbortHandler", v)
		}
	})
	t.Run("config", func(t *testing.T) {
		t.Parallel()
		mwAssertPanics(t, func() { Timeout(0) })
		mwAssertPanics(t, func() { TimeoutError(nil) })
	})
}

func TestTimeoutPanicAfterDeadline(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	mw, ctxs := mwManualTimeout()
	release, finished := make(chan struct{}), make(chan struct{})
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(finished)
		(<-ctxs).end(context.DeadlineExceeded)
		<-release
		panic(mwSecret)
	}), RequestID(), Recoverer(), mw)
	rec := mwServe(h, mwRequest("GET", "/", id))
	mwEnvelope(t, rec, errresp.Default, 504)
	close(release)
	<-finished
	// The goroutine logs after the handler's own defers ran; wait for it.
	if _, ok := mwWaitLog(id, "panic recovered after the request timed out"); !ok {
		t.Fatalf("late panic not logged: %+v", mwLogsFor(id))
	}
	if l, _ := mwHasLog(id, "panic recovered after the request timed out"); l.attrs["panic"] != mwSecret || !strings.Contains(l.attrs["stack"], "timeout_test.go") {
		t.Fatalf("log line %+v", l.attrs)
	}
}

func TestTimeoutPanicValueOutsideRecoverer(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	h := Timeout(time.Hour)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(errBoom) }))
	v := mwCatchPanic(func() { mwServe(h, mwRequest("GET", "/", "")) })
	err, ok := v.(error)
	if !ok || !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "timeout_test.go") {
		t.Fatalf("panic value %v does not carry the cause and the handler's stack", v)
	}
}

// A handler that returns its context's error after Timeout has answered is a
// non-event: the hook sees the one 504, and nothing else is written or
// counted.
func TestTimeoutHandlerReturnsContextError(t *testing.T) {
	t.Parallel()
	var seen atomic.Int32
	var statuses sync.Map
	mw, ctxs := mwManualTimeout()
	handlerDone := make(chan struct{})
	inner := Handler(func(w http.ResponseWriter, r *http.Request) error {
		(<-ctxs).end(context.DeadlineExceeded)
		<-r.Context().Done()
		return fmt.Errorf("listing vms: %w", r.Context().Err())
	})
	h := mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handlerDone)
		inner.ServeHTTP(w, r)
	}), OnError(func(r *http.Request, e *errresp.Error, status int) {
		statuses.Store(seen.Add(1), status)
	}), mw)
	rec := mwServe(h, mwRequest("GET", "/", ""))
	<-handlerDone
	mwEnvelope(t, rec, errresp.Default, 504)
	if n := seen.Load(); n != 1 {
		t.Fatalf("the hook saw %d failures, want 1", n)
	}
	if st, _ := statuses.Load(int32(1)); st != 504 {
		t.Fatalf("the hook saw status %v", st)
	}
}
