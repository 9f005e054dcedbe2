package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// RecovererOption configures Recoverer.
type RecovererOption func(*recovererConfig)

type recovererConfig struct {
	mapper func(r *http.Request, v any) *errresp.Error
}

// RecovererMap lets fn choose the error a recovered panic value is answered
// with; a nil result means the default (Internal, with the style's message
// for it, as any other internal error without a message of the service's
// own). The
// error's Message reaches the client, so fn must not copy the panic value
// into it. When fn itself panics, the panic is logged once and the default
// answers.
func RecovererMap(fn func(r *http.Request, v any) *errresp.Error) RecovererOption {
	if fn == nil {
		panic("apierror/middleware: RecovererMap needs a function")
	}
	return func(c *recovererConfig) { c.mapper = fn }
}

// Recoverer turns a panic below it into a 500 envelope in the request's
// style (or the error RecovererMap chooses). The body never holds the panic
// value or the stack; both are logged once through log/slog at Error level,
// with the request id.
//
//   - A panic with http.ErrAbortHandler is re-panicked, so net/http aborts the
//     response as the handler asked.
//   - A panic caused by a client that went away (broken pipe, connection
//     reset, closed connection) is logged at Debug level and answered with
//     nothing: there is no one to answer.
//   - When the response had already started (a status or body byte was sent)
//     or the connection was hijacked (an upgrade), nothing more is written:
//     the panic is logged with a note that no envelope could be sent, and a
//     started response is then aborted with http.ErrAbortHandler, so the
//     client sees a broken response rather than a truncated one that looks
//     complete.
//
// Recoverer calls errresp.Begin when no middleware above it has, so it works
// alone. Mount it below RequestID so its log lines carry the request id.
func Recoverer(opts ...RecovererOption) func(http.Handler) http.Handler {
	var c recovererConfig
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			defer func() {
				if v := recover(); v != nil {
					c.recovered(w, r, v)
				}
			}()
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}

// PanicError is the internal cause of the envelope Recoverer answers a panic
// with (unless RecovererMap chooses another error), so that an error hook
// (errresp.Observer) can tell a panic from a returned error and report its
// value and stack. It never reaches a response body. When the panic value is
// an error, Unwrap returns it, so errors.Is and errors.As see through.
type PanicError struct {
	// Value is what the handler panicked with.
	Value any
	// Stack is the goroutine's stack where the panic was recovered, as
	// runtime/debug.Stack formats it.
	Stack []byte
}

// Error returns "panic: " and the panic value.
func (p *PanicError) Error() string { return "panic: " + fmt.Sprint(p.Value) }

// Unwrap returns the panic value when it is an error, and nil otherwise.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// recovered answers a recovered panic value v.
func (c *recovererConfig) recovered(w http.ResponseWriter, r *http.Request, v any) {
	var stack []byte
	if tp, ok := v.(*timeoutPanic); ok { // from the handler's goroutine under Timeout
		v, stack = tp.value, tp.stack
	} else {
		stack = debug.Stack()
	}
	err, isErr := v.(error)
	if isErr && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	if isErr && clientGone(err) {
		logFailure(r, slog.LevelDebug, "client went away; handler panicked writing to it", slog.String("error", err.Error()))
		return
	}
	panicAttrs := []slog.Attr{slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(stack))}
	if started, status := reqstate.Started(r); started {
		logFailure(r, slog.LevelError, "panic recovered after the response started; no envelope written",
			append(panicAttrs, slog.Int("status", status))...)
		if status == http.StatusSwitchingProtocols {
			return // hijacked: the connection belongs to the handler
		}
		panic(http.ErrAbortHandler)
	}
	logFailure(r, slog.LevelError, "panic recovered", panicAttrs...)
	e := c.mapped(r, v)
	if e == nil {
		e = errresp.Wrap(errresp.Internal, &PanicError{Value: v, Stack: stack}, "")
	}
	if _, werr := errresp.Write(w, r, e); werr != nil && !errors.Is(werr, errresp.ErrResponseStarted) {
		logFailure(r, slog.LevelDebug, "writing the panic envelope failed", slog.String("error", werr.Error()))
	}
	reported(w, r) // the panic's line above is the request's line

}

// mapped returns the error RecovererMap's function chooses for v, or nil
// for the default, also when the function panics (logged once).
func (c *recovererConfig) mapped(r *http.Request, v any) (e *errresp.Error) {
	if c.mapper == nil {
		return nil
	}
	defer func() {
		if w := recover(); w != nil {
			e = nil
			logFailure(r, slog.LevelError, "RecovererMap panicked; the default envelope answers",
				slog.String("panic", fmt.Sprint(w)), slog.String("stack", string(debug.Stack())))
		}
	}()
	return c.mapper(r, v)
}
