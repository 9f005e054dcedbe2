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
// handler's own WriteHeader or its own JSON error) starts a response with a
// status from 400 to 599, the client gets the style's envelope instead,
// with the handler's status and request id. A 4xx keeps the first line of
// the handler's text as its message, or, from a JSON body in a shape people
// write (gin's {"error":"..."}, echo's {"message":"..."}, {"error":{"message",
// "code"}}, {"errors":[...]}, problem details; see errresp.DecodeRaw), its
// message, code and field errors; a 5xx never does (the body is logged with
// the request id). A body with no Content-Type that is JSON is read as JSON;
// one labelled JSON that does not parse, or is longer than 64 KiB, is read
// as text. A body already in the request's style is sent as it was, byte
// for byte; InterceptJSON(false) leaves every JSON error response alone.
// Headers the handler set that mean something
// to a client (WWW-Authenticate, Allow, Retry-After, Location,
// X-RateLimit-*, RateLimit*, Set-Cookie, and any other but those that
// describe the replaced body) are kept; a 5xx keeps only those every 5xx
// keeps (CORS, Vary, Retry-After, rate limits, the request id, security
// policy; see KeepHeaders). Successes, 1xx, hijacked
// connections and a handler's own errors in the service's style pass byte
// for byte; success
// responses are never buffered, and Flush, Hijack, deadlines, full duplex
// (http.ResponseController) and io.ReaderFrom (sendfile) work through the
// writer. A held error response is answered at its first Flush or when the
// handler returns, its body dropped past 512 bytes.
//
// Turn it off where a handler's text or HTML error pages must reach the
// client as they are (a static site, a legacy HTML UI). Below Timeout it
// holds for the response Timeout copies out as well.
func Intercept(on bool) func(http.Handler) http.Handler {
	return interceptSwitch(errresp.WithIntercept, on)
}

// InterceptJSON turns the interception of JSON error responses (whose
// Content-Type is application/json or application/*+json) off (false) or
// back on (true) for the routes below it; the innermost wins. It is on by
// default (see Intercept): a handler's own JSON 5xx is withheld and logged,
// a JSON 4xx becomes the style's envelope with its message, code and field
// errors. Turn it off where handlers' JSON errors are an API of their own
// that clients already read as they are; text and HTML errors are still
// intercepted, unless Intercept(false) says otherwise.
func InterceptJSON(on bool) func(http.Handler) http.Handler {
	return interceptSwitch(errresp.WithInterceptJSON, on)
}

// interceptSwitch is a middleware that sets an interception switch with set.
func interceptSwitch(set func(*http.Request, bool) *http.Request, on bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			r = set(r, on)
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}
