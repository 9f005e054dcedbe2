// Package middleware mounts the library around a service's handlers so that
// every failure leaves as one envelope in the service's style, written by
// errresp.Write and carrying the request id.
//
// What it holds is middleware (a func(http.Handler) http.Handler, or a
// factory that returns one) and handlers, working with chi v5,
// http.ServeMux and any other net/http router, with their options; besides
// those only NewRequestID, TraceparentTraceID, PanicError (a
// recovered panic) and NewCrossOriginRefused (CrossOrigin's 403):
//
//   - RequestID gives each request a safe id (kept from X-Request-ID or chi
//     when it is safe, generated otherwise); Recoverer turns panics into 500
//     envelopes; Style picks the envelope style for a router or route group,
//     with opt-in Accept negotiation (StyleNegotiate).
//   - Handler and JSON adapt handlers that return an error (and a value);
//     OnError installs the hook that sees every failure, for metrics.
//   - NotFound and MethodNotAllowed answer chi's router misses (405 with
//     Allow); ServeMux does the same for an http.ServeMux.
//   - ContentType (415), LimitBody (413), Timeout (503/504, never half a
//     body) and IfMatch (412, 428) guard requests; ConcurrencyLimit (503)
//     bounds the requests in flight.
//   - ProxyErrorHandler answers httputil.ReverseProxy failures (502, 504).
//   - CrossOrigin (403) refuses cross-site browser requests with unsafe
//     methods, the forgery guard for credentials a browser sends by itself.
//
// Authentication (API keys, bearer tokens, session cookies), permissions and
// the sign-in helpers are in package auth (and auth/signin), mounted like
// the middleware here; who is calling is in package principal.
//
// Handlers and middleware that do not know the library need no change:
// below RequestID, Recoverer or Style, an error response they write (a
// status from 400 to 599: http.Error, http.NotFound, http.TimeoutHandler, a
// FileServer, chi's own middleware, a handler's own JSON error) is answered
// with the envelope instead, and successes pass untouched; Intercept(false)
// opts a route group out, InterceptJSON(false) only its JSON errors (see
// Intercept).
//
// A typical chi stack:
//
//	r := chi.NewRouter()
//	r.Use(middleware.RequestID(), middleware.Recoverer(),
//		middleware.Style(errresp.GPCN(), middleware.StyleNegotiate()))
//	r.NotFound(middleware.NotFound)
//	r.MethodNotAllowed(middleware.MethodNotAllowed)
//	r.Method("GET", "/items/{id}", middleware.JSONHandler(getItem))
//
// The per-request state (request id, style, error hook and whether the
// response has started) is the one value errresp.Begin puts in the request's
// context. RequestID, Recoverer and Style each call errresp.Begin when it has
// not run, so each works alone; mounted together, Begin runs once and the
// others update its state in place, allocating nothing more. Where other
// middleware wraps the writer between two of them (chi's Logger, a metrics
// wrapper), the lower one lays a writer over the wrapper (one allocation),
// so that the wrapper sees the envelope the client receives.
//
// Every 5xx written for a request (a returned error, errresp.Write called
// from a handler, a panic, an intercepted response, the library's own 503s
// and 504s) is logged once, at Error level with its cause, by the innermost
// middleware of the package when the handler below returns; a 4xx is not
// logged (an intercepted one at Debug level).
//
// Logging goes through log/slog, to the request's logger: the one LogTo
// gives the requests below it, slog.Default() without it. Every line
// carries the request id under the key "request_id". Nothing the package writes to a
// response body holds a panic value, a stack or an error's internal cause.
//
// Configuration mistakes (a nil style, a non-positive limit, an empty list
// of content types) panic when the middleware is built, with an
// "apierror/middleware: " prefix, never while serving a request.
package middleware

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"syscall"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqlog"
	"github.com/apierror/apierror/internal/reqstate"
)

// LogKeyRequestID is the attribute key under which every line the package
// logs carries the request id.
const LogKeyRequestID = reqlog.KeyRequestID

// logFailure logs msg at level with the request's id, method and path (and
// the principal's id, never its credential, when there is one) followed by
// attrs. It costs nothing when the logger discards the level.
func logFailure(r *http.Request, level slog.Level, msg string, attrs ...slog.Attr) {
	reqlog.Log(nil, r, level, msg, attrs...)
}

// finish completes the response of w (from errresp.Begin) once the handler
// below has returned, and logs, once, the failure the request owes a line
// (errresp.Finish): a 5xx, however it was written, with its cause at Error
// level (for an envelope written in place of a handler's own error
// response, the handler's text, which never reaches the client); a 4xx
// interception at Debug.
func finish(w http.ResponseWriter, r *http.Request) {
	if e := errresp.Finish(w, r); e != nil {
		logAnswered(r, e)
	}
}

// reported takes the failure of r from its per-request state without
// logging it: for a producer that has logged it already.
func reported(w http.ResponseWriter, r *http.Request) { _ = errresp.Finish(w, r) }

func logAnswered(r *http.Request, e *errresp.Error) {
	status := e.HTTPStatus
	if status == 0 {
		_, status = reqstate.Started(r)
	}
	var fe *errresp.ForeignError
	foreign := errors.As(e.Err, &fe)
	level, msg := slog.LevelError, "request failed"
	switch {
	case errors.Is(e.Err, errresp.ErrResponseStarted):
		// Write could not send it: status is what the client got.
		msg = "handler failed after the response started; no envelope written"
		var inner *errresp.Error
		if errors.As(e.Err, &inner) {
			e = inner
		}
	case foreign && status < 500:
		level, msg = slog.LevelDebug, "error response from below answered with an envelope"
	case foreign:
		msg = "server error from below answered with an envelope; its text withheld from the client"
	}
	if !reqlog.For(r.Context()).Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{slog.Int("status", status), slog.String("kind", errresp.KindOf(e).String())}
	switch {
	case foreign:
		attrs = append(attrs, slog.String("content_type", fe.ContentType), slog.String("body", fe.Body), slog.Int64("size", fe.Size))
	case e.Err != nil:
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	default:
		attrs = append(attrs, slog.String("error", e.Error()))
	}
	logFailure(r, level, msg, attrs...)
}

// mustPositive panics with the package prefix when n is not positive.
func mustPositive[N ~int | ~int64](what string, n N) {
	if n <= 0 {
		panic("apierror/middleware: " + what + " must be positive")
	}
}

// clientGone reports whether err says the client closed the connection
// (broken pipe, reset, closed): a non-event, logged at Debug level at most.
func clientGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}
