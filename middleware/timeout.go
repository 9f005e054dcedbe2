package middleware

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/apierror/apierror/errresp"
)

// TimeoutOption configures Timeout.
type TimeoutOption func(*timeoutConfig)

type timeoutConfig struct {
	err *errresp.Error
}

// TimeoutError sets the failure a timed-out request is answered with. The
// default is errresp.Timeout (504 in the built-in styles); pass an
// errresp.Unavailable error for 503, as http.TimeoutHandler answers.
func TimeoutError(e *errresp.Error) TimeoutOption {
	if e == nil {
		panic("apierror/middleware: TimeoutError needs an error")
	}
	return func(c *timeoutConfig) { c.err = e }
}

// Timeout gives the handler below it d to answer. The handler's context is
// cancelled at the deadline, and the client then gets a Timeout envelope
// (see TimeoutError) in the style in effect above Timeout, at once, even if
// the handler has not returned.
//
// The trade-off, the same as http.TimeoutHandler's: so that a client never
// gets half a body followed by nothing, the handler's response is buffered
// in memory and sent when it returns in time. Streaming, Flush and
// connection hijacking do not work below Timeout; mount it only on routes
// whose responses are small and complete. Writes after the deadline fail
// with http.ErrHandlerTimeout. A handler that panics has its panic carried
// to Timeout's goroutine, where a Recoverer above catches it with the
// handler's stack.
//
// The handler sees its own per-request state (errresp.Begin) over the
// buffer, with the request id, style and error hook copied in, so
// errresp.Write and errresp.Started below Timeout describe the buffered
// response. Timeout panics when d is not positive.
func Timeout(d time.Duration, opts ...TimeoutOption) func(http.Handler) http.Handler {
	mustPositive("Timeout duration", d)
	c := timeoutConfig{err: errresp.New(errresp.Timeout, "The request took too long to complete.")}
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			tw := &timeoutWriter{h: make(http.Header)}
			iw, ir := timeoutInner(ctx, tw, r)
			done := make(chan struct{})
			panicked := make(chan *timeoutPanic, 1)
			go func() {
				defer func() {
					if v := recover(); v != nil {
						panicked <- &timeoutPanic{value: v, stack: debug.Stack()}
						return
					}
					close(done)
				}()
				next.ServeHTTP(iw, ir)
			}()
			select {
			case p := <-panicked:
				tw.stop()
				if p.value == http.ErrAbortHandler {
					panic(http.ErrAbortHandler)
				}
				panic(p)
			case <-done:
				tw.mu.Lock()
				defer tw.mu.Unlock()
				dst := w.Header()
				for k, v := range tw.h {
					dst[k] = v
				}
				if tw.status == 0 {
					tw.status = http.StatusOK
				}
				w.WriteHeader(tw.status)
				_, _ = w.Write(tw.buf.Bytes())
			case <-ctx.Done():
				tw.stop()
				err := ctx.Err()
				if errors.Is(err, context.DeadlineExceeded) {
					logFailure(r, slog.LevelWarn, "handler timed out", slog.Duration("timeout", d))
					_ = errresp.Write(w, r, c.err)
					return
				}
				logFailure(r, slog.LevelDebug, "client went away before the handler answered", slog.String("error", err.Error()))
				_ = errresp.Write(w, r, err)
			}
		})
	}
}

// timeoutInner returns the writer and request the handler below Timeout
// gets: a fresh errresp state over the buffer tw, carrying ctx and a copy of
// the outer state's request id, style and error hook. The outer state
// stays with Timeout's goroutine, so the two never race.
func timeoutInner(ctx context.Context, tw *timeoutWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if timeoutStateKey != nil {
		ctx = context.WithValue(ctx, timeoutStateKey, nil) // hide the outer state
	}
	iw, ir := errresp.Begin(tw, r.WithContext(ctx))
	ir = errresp.WithRequestID(ir, errresp.RequestID(r.Context()))
	ir = errresp.WithStyle(ir, errresp.StyleOf(r))
	if obs := errresp.ObserverOf(r); obs != nil {
		ir = errresp.WithObserver(ir, obs)
	}
	return iw, ir
}

// timeoutStateKey is the context key errresp keeps its per-request state
// under, learnt by watching which key errresp.RequestID asks a context for.
// Binding it to nil hides the outer state, so that errresp.Begin makes a
// fresh one for the handler below Timeout.
var timeoutStateKey = func() (key any) {
	errresp.RequestID(timeoutKeyProbe{Context: context.Background(), key: &key})
	return key
}()

type timeoutKeyProbe struct {
	context.Context
	key *any
}

func (p timeoutKeyProbe) Value(k any) any {
	*p.key = k
	return nil
}

// timeoutPanic carries a panic from the handler's goroutine to Timeout's,
// with the handler's stack; Recoverer unwraps it.
type timeoutPanic struct {
	value any
	stack []byte
}

// timeoutWriter buffers the handler's response until it returns in time.
type timeoutWriter struct {
	mu       sync.Mutex
	h        http.Header
	buf      bytes.Buffer
	status   int
	timedOut bool
}

// stop makes every later write fail with http.ErrHandlerTimeout.
func (tw *timeoutWriter) stop() {
	tw.mu.Lock()
	tw.timedOut = true
	tw.mu.Unlock()
}

func (tw *timeoutWriter) Header() http.Header { return tw.h }

func (tw *timeoutWriter) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut || tw.status != 0 || code < 200 {
		return // interim responses cannot be buffered; drop them
	}
	tw.status = code
}

func (tw *timeoutWriter) Write(b []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	return tw.buf.Write(b)
}
