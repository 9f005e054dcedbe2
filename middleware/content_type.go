package middleware

import (
	"net/http"
	"strings"

	"github.com/apierror/apierror/errresp"
)

// ContentType answers a request that carries a body in a media type other
// than types with an UnsupportedMediaType (415) envelope whose message names
// the accepted types, and an Accept header listing them (RFC 9110 section
// 12.5.1). A type may be exact ("application/json") or a wildcard subtype
// ("text/*"); parameters such as charset are ignored, and matching is case-
// insensitive. Requests without a body (no Content-Length and no
// Transfer-Encoding, or Content-Length 0) pass whatever their Content-Type.
// ContentType panics when types is empty or a type is not type/subtype.
func ContentType(types ...string) func(http.Handler) http.Handler {
	if len(types) == 0 {
		panic("apierror/middleware: ContentType needs at least one media type")
	}
	accepted := make([]string, len(types))
	for i, t := range types {
		t = strings.ToLower(strings.TrimSpace(t))
		typ, sub, ok := strings.Cut(t, "/")
		if !ok || !acceptToken(typ) || !acceptToken(sub) || typ == "*" {
			panic("apierror/middleware: ContentType: " + types[i] + " is not a type/subtype media type")
		}
		accepted[i] = t
	}
	list := strings.Join(accepted, ", ")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if contentTypeHasBody(r) && !contentTypeMatch(accepted, r.Header.Get("Content-Type")) {
				e := errresp.New(errresp.UnsupportedMediaType, "The request body must be one of: "+list+".")
				_, _ = errresp.Write(w, r, e.WithHeader("Accept", list))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// contentTypeHasBody reports whether r carries a body.
func contentTypeHasBody(r *http.Request) bool {
	return r.ContentLength > 0 || r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody
}

// contentTypeMatch reports whether the Content-Type value ct names one of
// accepted (lower-case type/subtype or type/*). A malformed value matches
// nothing.
func contentTypeMatch(accepted []string, ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || !acceptToken(typ) || !acceptToken(sub) {
		return false
	}
	for _, a := range accepted {
		at, as, _ := strings.Cut(a, "/")
		if strings.EqualFold(at, typ) && (as == "*" || strings.EqualFold(as, sub)) {
			return true
		}
	}
	return false
}
