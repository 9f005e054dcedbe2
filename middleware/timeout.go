package middleware

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	// withTimeout derives the handler's context; tests replace it with one
	// whose deadline they trigger.
	withTimeout func(context.Context, time.Duration) (context.Context, context.CancelFunc)
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
// The deadline bounds the reading of the request body too: it is set as the
// connection's read deadline (through http.ResponseController), so a client
// sending its body slowly gets the Timeout envelope at the deadline, and the
// connection is closed after it (see errresp.Write) rather than kept waiting
// for the rest of the body.
//
// The handler sees its own per-request state (errresp.Begin) over the
// buffer, with the request id, style and error hook copied in, so
// errresp.Write below Timeout answers in the buffered response (and knows
// whether that one has started). Timeout panics when d is not positive.
func Timeout(d time.Duration, opts ...TimeoutOption) func(http.Handler) http.Handler {
	mustPositive("Timeout duration", d)
	c := timeoutConfig{err: errresp.New(errresp.Timeout, ""),
		withTimeout: context.WithTimeout}
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			ctx, cancel := c.withTimeout(r.Context(), d)
			defer cancel()
			deadline, hasDeadline := ctx.Deadline()
			if hasDeadline && r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
				// Bound the reading of the body too; a writer that cannot
				// set deadlines (a recorder) is left as it is. Only with a
				// body: net/http reads ahead on a connection whose body is
				// done, and a deadline there would end the request's
				// context as if the client had gone.
				_ = http.NewResponseController(w).SetReadDeadline(deadline)
			}
			tw := &timeoutWriter{ctx: ctx, h: make(http.Header)}
			iw, ir := timeoutInner(ctx, tw, r)
			done := make(chan struct{})
			panicked := make(chan *timeoutPanic, 1)
			go func() {
				defer func() {
					if v := recover(); v != nil {
						tw.panicked(ir, &timeoutPanic{value: v, stack: debug.Stack()}, panicked)
						return
					}
					close(done)
				}()
				next.ServeHTTP(iw, ir)
				finish(iw, ir) // an error response intercepted below, into the buffer
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
				// A write was refused (the buffer is not the whole response),
				// or the handler gave up because its body read hit the
				// deadline before the context's timer fired.
				if tw.timedOut || hasDeadline && !time.Now().Before(deadline) {
					c.expired(w, r, d, ctx.Err(), deadline)
					return
				}
				// An Intercept(false) below holds for the copy out too; JSON
				// errors were read below already.
				r = errresp.WithInterceptJSON(errresp.WithIntercept(r, errresp.Intercepting(ir)), false)
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
				select {
				case p := <-panicked: // panicked as the deadline passed
					timeoutLogPanic(r, p)
				default:
				}
				c.expired(w, r, d, ctx.Err(), deadline)
			}
		})
	}
}

// expired answers a request whose context ended (err) before the handler
// finished. A context cancelled at or after the deadline (by the server, when
// the body's read deadline passed) is a timeout, not a client gone.
func (c *timeoutConfig) expired(w http.ResponseWriter, r *http.Request, d time.Duration, err error, deadline time.Time) {
	if errors.Is(err, context.Canceled) && (deadline.IsZero() || time.Now().Before(deadline)) {
		logFailure(r, slog.LevelDebug, "client went away before the handler answered", slog.String("error", err.Error()))
		_, _ = errresp.Write(w, r, err)
		return
	}
	logFailure(r, slog.LevelWarn, "handler timed out", slog.Duration("timeout", d))
	_, _ = errresp.Write(w, r, c.err)
	reported(w, r)
}

// timeoutInner returns the writer and request the handler below Timeout
// gets: a forked errresp state over the buffer tw, carrying ctx and the outer
// state's request id, style and error hook. The outer state stays with
// Timeout's goroutine, so the two never race.
func timeoutInner(ctx context.Context, tw *timeoutWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	return errresp.Fork(tw, r.WithContext(ctx))
}

// timeoutPanic carries a panic from the handler's goroutine to Timeout's,
// with the handler's stack; Recoverer unwraps it. As an error it prints the
// value and the stack, for net/http's or another recoverer's log.
type timeoutPanic struct {
	value any
	stack []byte
}

func (p *timeoutPanic) Error() string { return fmt.Sprintf("%v\n\n%s", p.value, p.stack) }

// Unwrap returns the panic value when it is an error.
func (p *timeoutPanic) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

// panicked hands p to Timeout's goroutine, or logs it when Timeout has
// already answered (no one would see it otherwise).
func (tw *timeoutWriter) panicked(r *http.Request, p *timeoutPanic, to chan<- *timeoutPanic) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		timeoutLogPanic(r, p)
		return
	}
	to <- p // buffered: never blocks
}

// timeoutLogPanic logs a panic of a handler that Timeout gave up on.
func timeoutLogPanic(r *http.Request, p *timeoutPanic) {
	if p.value == http.ErrAbortHandler {
		return
	}
	logFailure(r, slog.LevelError, "panic recovered after the request timed out",
		slog.String("panic", fmt.Sprint(p.value)), slog.String("stack", string(p.stack)))
}

// timeoutWriter buffers the handler's response until it returns in time.
type timeoutWriter struct {
	ctx      context.Context // the handler's; once it ends, writes fail
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

// refuse reports whether writes must fail, marking the writer timed out
// once the handler's context has ended. The caller holds tw.mu.
func (tw *timeoutWriter) refuse() bool {
	if !tw.timedOut && tw.ctx.Err() != nil {
		tw.timedOut = true
	}
	return tw.timedOut
}

func (tw *timeoutWriter) Header() http.Header { return tw.h }

func (tw *timeoutWriter) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.refuse() || tw.status != 0 || code < 200 {
		return // interim responses cannot be buffered; drop them
	}
	tw.status = code
}

func (tw *timeoutWriter) Write(b []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.refuse() {
		return 0, http.ErrHandlerTimeout
	}
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	return tw.buf.Write(b)
}
