package errresp

import (
	"context"
	"net/http"
	"net/textproto"
	"strings"
)

// The headers of a 5xx. A server error's envelope withholds its cause, and
// the headers a handler set before it failed may name it as well (an
// X-Debug-Query with the SQL, a Server-Timing naming an internal address, a
// Location of a half-made resource, a Set-Cookie of a session the failed
// request changed). So Write sends a 5xx, however it was produced (a
// returned error, errresp.Write from a handler, a panic, an intercepted
// response), with only the headers a client or an intermediary needs from a
// failure, and drops every other header set before it:
//
//   - caching and negotiation: Vary (Write sets Cache-Control: no-store);
//   - CORS: Access-Control-*, Timing-Allow-Origin, so that a browser can
//     read the envelope;
//   - when to come back: Retry-After, and rate limits: RateLimit,
//     RateLimit-Policy, RateLimit-* and X-RateLimit-*;
//   - the request id (X-Request-ID);
//   - security policy that middleware above sets for every response:
//     Strict-Transport-Security, Content-Security-Policy(-Report-Only),
//     X-Frame-Options, Referrer-Policy, Permissions-Policy, Cross-Origin-*;
//   - the message itself: Date (a client measures Retry-After from it),
//     Connection, Alt-Svc.
//
// The error's own headers (Error.Header, Error.RetryAfter) are set after
// the drop and always sent. KeepHeaders keeps more for a request and the
// requests below it; KeepHeaders(r, "*") keeps them all. A 4xx keeps the
// headers set before it (a client acts on WWW-Authenticate, Allow,
// Location), but for those that described a body an interception replaced.

// keptOn5xx lists the headers a 5xx keeps, in canonical form; keptOn5xxPrefix
// the prefixes.
var (
	keptOn5xx = map[string]bool{
		"Vary": true, "Timing-Allow-Origin": true, "Retry-After": true,
		"Ratelimit": true, headerRequestIDKey: true,
		"Strict-Transport-Security": true, "Content-Security-Policy": true,
		"Content-Security-Policy-Report-Only": true, "X-Frame-Options": true,
		"Referrer-Policy": true, "Permissions-Policy": true,
		"Connection": true, "Alt-Svc": true, "Date": true,
		// Write sets these itself.
		"Content-Type": true, "X-Content-Type-Options": true, "Cache-Control": true,
	}
	keptOn5xxPrefix = []string{"Access-Control-", "Ratelimit-", "X-Ratelimit-", "Cross-Origin-"}
)

type keepKey struct{}

// kept is the set KeepHeaders records: canonical names ("*" for all), and
// the set of the request it was made on.
type kept struct {
	names []string
	outer *kept
}

// KeepHeaders returns a copy of r whose 5xx responses (see Write) keep the
// named response headers too, besides the ones every 5xx keeps; "*" keeps
// every header, as a 4xx does. Calls add up: a route group may keep more
// than the router. Names are matched without regard to case.
// middleware.KeepHeaders is the middleware form.
func KeepHeaders(r *http.Request, names ...string) *http.Request {
	k := &kept{outer: keptFrom(r.Context())}
	for _, n := range names {
		k.names = append(k.names, textproto.CanonicalMIMEHeaderKey(n))
	}
	return r.WithContext(context.WithValue(r.Context(), keepKey{}, k))
}

func keptFrom(ctx context.Context) *kept {
	k, _ := ctx.Value(keepKey{}).(*kept)
	return k
}

// keeps reports whether name (canonical) is kept by k or an outer set.
func (k *kept) keeps(name string) bool {
	for ; k != nil; k = k.outer {
		for _, n := range k.names {
			if n == name || n == "*" {
				return true
			}
		}
	}
	return false
}

// dropServerErrorHeaders deletes from h every header a 5xx does not keep
// (see above); r may be nil.
func dropServerErrorHeaders(h http.Header, r *http.Request) {
	var k *kept
	if r != nil {
		k = keptFrom(r.Context())
	}
	if k.keeps("*") {
		return
	}
	for name := range h {
		cn := textproto.CanonicalMIMEHeaderKey(name)
		if keptOn5xx[cn] || hasKeptPrefix(cn) || k.keeps(cn) {
			continue
		}
		delete(h, name)
	}
}

func hasKeptPrefix(name string) bool {
	for _, p := range keptOn5xxPrefix {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
