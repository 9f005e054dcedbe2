package middleware

import (
	"log/slog"
	"net/http"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// LogTo makes l the logger of every request below it: the lines the
// package's middleware and handlers log for a request (a 5xx with its
// cause, a recovered panic, a timeout, a proxy failure), and those of the
// module's other middleware given no logger of their own (package auth's
// Authenticator without auth.WithLogger, package idempotency without
// idempotency.WithLogger, the framework adapters), go to l, carrying the
// request id. Without LogTo they go to slog.Default(), read at the time of
// each line. It is the one way to choose where request failures are
// logged; it logs nothing itself (it is not an access log). It records l
// in the per-request state, so that it costs no allocation in the stack:
//
//	r.Use(middleware.RequestID(), middleware.LogTo(logger), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
//
// A LogTo mounted lower (on a route group) replaces the logger for the
// requests below it. It panics when l is nil.
func LogTo(l *slog.Logger) func(http.Handler) http.Handler {
	if l == nil {
		panic("apierror/middleware: LogTo: nil logger")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			reqstate.From(r.Context()).Logger = l
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}
