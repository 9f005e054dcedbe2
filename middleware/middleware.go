// Package middleware mounts the library around a service's handlers: it
// gives every request an id, selects the envelope style, turns panics,
// returned errors, router misses and failed request guards into one
// envelope written by errresp.Write, and tells an error hook about each
// failure.
//
// Everything here is a func(http.Handler) http.Handler, or a factory that
// returns one, and works with chi v5, http.ServeMux and any other net/http
// router. A typical stack:
//
//	r := chi.NewRouter()
//	r.Use(middleware.RequestID(), middleware.Recoverer(),
//		middleware.Style(errresp.GPCN, middleware.StyleNegotiate()))
//	r.NotFound(middleware.NotFound)
//	r.MethodNotAllowed(middleware.MethodNotAllowed)
//	r.Method("GET", "/items/{id}", middleware.JSON(getItem))
//
// The per-request state (request id, style, error hook and whether the
// response has started) is the one value errresp.Begin puts in the request's
// context. RequestID, Recoverer and Style each call errresp.Begin when it has
// not run, so each works alone, and together they cost no more than the one
// allocation Begin makes for the state and its context.
//
// Logging goes through log/slog (see SetLogger); every line carries the
// request id under the key "request_id". Nothing the package writes to a
// response body holds a panic value, a stack or an error's internal cause.
//
// Configuration mistakes (a nil style, a non-positive limit, an empty list
// of content types) panic when the middleware is built, with an
// "apierror/middleware: " prefix, never while serving a request.
package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/apierror/apierror/errresp"
)

// LogKeyRequestID is the attribute key under which every line the package
// logs carries the request id.
const LogKeyRequestID = "request_id"

var baseLogger atomic.Pointer[slog.Logger]

// SetLogger sets the logger the package's middleware log through. nil (the
// initial value) means slog.Default() at the time of each line. It is safe
// to call at any time, though services usually call it once at start-up.
func SetLogger(l *slog.Logger) { baseLogger.Store(l) }

func loggerBase() *slog.Logger {
	if l := baseLogger.Load(); l != nil {
		return l
	}
	return slog.Default()
}

// requestLogger returns the package's logger with the request id of r
// attached, for the failure paths that log.
func requestLogger(r *http.Request) *slog.Logger {
	return loggerBase().With(slog.String(LogKeyRequestID, errresp.RequestID(r.Context())))
}

// logFailure logs msg at level with the request's id, method and path
// followed by attrs. It costs nothing when the logger discards the level.
func logFailure(r *http.Request, level slog.Level, msg string, attrs ...slog.Attr) {
	l := loggerBase()
	ctx := context.WithoutCancel(r.Context())
	if !l.Enabled(ctx, level) {
		return
	}
	all := make([]slog.Attr, 0, 3+len(attrs))
	all = append(all, slog.String(LogKeyRequestID, errresp.RequestID(ctx)),
		slog.String("method", r.Method), slog.String("path", r.URL.Path))
	l.LogAttrs(ctx, level, msg, append(all, attrs...)...)
}

// mustPositive panics with the package prefix when n is not positive.
func mustPositive[N ~int | ~int64](what string, n N) {
	if n <= 0 {
		panic("apierror/middleware: " + what + " must be positive")
	}
}
