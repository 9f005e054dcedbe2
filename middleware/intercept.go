package middleware

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// Intercept turns the interception of foreign error responses off (false)
// or back on (true) for the routes below it; the innermost Intercept wins,
// so a route group may opt out and one of its routes opt back in.
//
// Interception is on wherever RequestID, Recoverer or Style is mounted,
// without Intercept: when a handler below (http.Error, http.NotFound,
// http.TimeoutHandler, a FileServer, a reverse proxy, chi's middleware, a
// handler's own WriteHeader) starts a response with a status from 400 to
// 599 whose Content-Type is not JSON, the client gets the style's envelope
// instead, with the handler's status and request id; a 4xx keeps the first
// line of the handler's text as its message, a 5xx never does (the text is
// logged with the request id). On a 4xx, headers the handler set that mean
// something to a client (WWW-Authenticate, Allow, Retry-After, Location,
// X-RateLimit-*, RateLimit*, Set-Cookie, and any other but those that
// describe the replaced body) are kept; a 5xx keeps only those every 5xx
// keeps (CORS, Vary, Retry-After, rate limits, the request id, security
// policy; see KeepHeaders). Successes, 1xx, hijacked
// connections and a handler's own JSON errors pass byte for byte; success
// responses are never buffered, and Flush, Hijack, deadlines, full duplex
// (http.ResponseController) and io.ReaderFrom (sendfile) work through the
// writer. A held error response is answered at its first Flush or when the
// handler returns, its body dropped past 512 bytes.
//
// Turn it off where a handler's text or HTML error pages must reach the
// client as they are (a static site, a legacy HTML UI). Below Timeout it
// holds for the response Timeout copies out as well.
func Intercept(on bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			r = errresp.WithIntercept(r, on)
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}
