package middleware

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// KeepHeaders lets a 5xx envelope written for the routes below it keep the
// named response headers, besides those every 5xx keeps (CORS, Vary,
// Retry-After, rate limits, the request id, security policy; see
// errresp.KeepHeaders); "*" keeps every header a handler or middleware set
// before the failure. By default a 5xx drops the others, since headers set
// before a server error may name its cause (a debug header with the query,
// a Server-Timing naming an internal host). Mount it above Recoverer, so
// that a panic's 500 keeps them too. KeepHeaders panics when given no
// names.
func KeepHeaders(names ...string) func(http.Handler) http.Handler {
	if len(names) == 0 {
		panic("apierror/middleware: KeepHeaders needs a header name")
	}
	names = append([]string(nil), names...)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			r = errresp.KeepHeaders(r, names...)
			next.ServeHTTP(w, r)
			finish(w, r) // an intercepted 5xx is answered with r's headers kept
		})
	}
}
