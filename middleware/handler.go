package middleware

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// HandlerFunc is a handler that returns its failure instead of writing it.
// A non-nil error goes through errresp.From and errresp.Write, in the
// request's style; a 5xx one has its cause logged once with the request id,
// and never reaches the body.
//
// An error saying the client went away (broken pipe, connection reset) is
// logged at Debug level and not answered: there is no one to answer.
// Returning an error after the handler has written part of the response
// cannot change what the client got: nothing more is written and the error
// is logged.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP implements http.Handler.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w, r = errresp.Begin(w, r)
	if err := f(w, r); err != nil {
		handlerFail(w, r, err)
	}
	finish(w, r)
}

// Handler adapts a function that returns an error to an http.HandlerFunc,
// so that it goes wherever a router takes a handler function
// (r.Get("/x", middleware.Handler(h)) in chi, http.HandleFunc); see
// HandlerFunc for how the error is answered.
func Handler(fn func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	if fn == nil {
		panic("apierror/middleware: Handler needs a function")
	}
	return HandlerFunc(fn).ServeHTTP
}

// JSONHandler adapts a function that returns a value and an error to an
// http.HandlerFunc. On success the value is encoded as JSON and sent with
// 200 OK and Content-Type: application/json; a value that cannot be encoded
// is an Internal failure, answered with an envelope rather than half a
// body. An error is handled as HandlerFunc handles it.
func JSONHandler[T any](fn func(r *http.Request) (T, error)) http.HandlerFunc {
	if fn == nil {
		panic("apierror/middleware: JSONHandler needs a function")
	}
	return Handler(func(w http.ResponseWriter, r *http.Request) error {
		v, err := fn(r)
		if err != nil {
			return err
		}
		body, err := json.Marshal(v)
		if err != nil {
			return errresp.Wrap(errresp.Internal, err, "")
		}
		h := w.Header()
		h["Content-Type"] = handlerJSONType
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(append(body, '\n'))
		return err
	})
}

var handlerJSONType = []string{"application/json"}

// handlerFail writes err for r and logs what must be logged: the cause of a
// 5xx, and an error that came too late to be written.
//
// An error that is the request context's own (the handler returned ctx.Err()
// or wrapped it after its context ended) is a non-event: either the client
// went away, or Timeout has answered already and the hook has seen that
// answer. It is logged at Debug and written nowhere, so nothing is counted
// twice.
func handlerFail(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(err) {
		logFailure(r, slog.LevelDebug, "client went away", slog.String("error", err.Error()))
		return
	}
	if cerr := r.Context().Err(); cerr != nil && errors.Is(err, cerr) {
		logFailure(r, slog.LevelDebug, "request context ended before the handler returned", slog.String("error", err.Error()))
		return
	}
	// A 5xx written here, or any failure that came after the response
	// started, is logged with err by finish when the handler returns.
	_, _ = errresp.Write(w, r, err)
}

// OnError installs fn as the error hook (an errresp.Observer) for every
// request below it: fn sees every failure errresp.Write sends, whoever
// produced it (a returned error, a recovered panic, a router miss, a guard,
// authentication, rate limiting), with the request, the error and the
// status, just before the body is written. It is the place for metrics and
// access logs. fn must not write to the response and must be safe for
// concurrent use. A hook installed further up is called first.
func OnError(fn errresp.Observer) func(http.Handler) http.Handler {
	if fn == nil {
		panic("apierror/middleware: OnError needs a function")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			r = errresp.WithObserver(r, fn)
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}
