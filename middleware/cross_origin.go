package middleware

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/crossorigin"
)

// CrossOriginOption configures CrossOrigin and the cross-origin check of
// package auth's Authenticator (auth.WithCrossOrigin).
type CrossOriginOption func(*http.CrossOriginProtection)

// CrossOriginTrust lets unsafe requests from the given origins through, each of
// the form "scheme://host[:port]" (such as "https://app.example.com"), as
// http.CrossOriginProtection.AddTrustedOrigin takes them. It panics on a
// malformed origin.
func CrossOriginTrust(origins ...string) CrossOriginOption {
	check := http.NewCrossOriginProtection()
	for _, o := range origins {
		if err := check.AddTrustedOrigin(o); err != nil {
			panic("apierror/middleware: CrossOriginTrust: " + err.Error())
		}
	}
	return func(p *http.CrossOriginProtection) {
		for _, o := range origins {
			_ = p.AddTrustedOrigin(o) // checked above
		}
	}
}

// CrossOriginBypass exempts requests matching an http.ServeMux pattern (such
// as "POST /webhooks/") from the check; use it only for endpoints meant to be
// called from other sites, and that are not authenticated by a cookie.
func CrossOriginBypass(pattern string) CrossOriginOption {
	return func(p *http.CrossOriginProtection) { p.AddInsecureBypassPattern(pattern) }
}

// NewCrossOriginRefused returns the answer to a cross-origin request
// refused: a 403 (PermissionDenied in the request's style).
func NewCrossOriginRefused() *errresp.Error { return crossorigin.Refused() }

// CrossOrigin returns middleware that refuses cross-site requests from
// browsers, as http.CrossOriginProtection decides them (Go 1.25): a request
// with an unsafe method (anything but GET, HEAD and OPTIONS) whose
// Sec-Fetch-Site header says it came from another site, or, from older
// browsers without that header, whose Origin does not match its Host, is
// answered with NewCrossOriginRefused (403) in the request's style, unless its
// origin is trusted (CrossOriginTrust) or its route exempt (CrossOriginBypass).
//
// Same-origin requests, safe methods and requests without Sec-Fetch-Site or
// Origin (curl, server-to-server clients; no browser sends an unsafe request
// without them) go through. It is the protection against cross-site request
// forgery for credentials the browser attaches by itself, such as a session
// cookie; the Authenticator applies it by itself to requests authenticated
// by a cookie (see auth.WithCrossOrigin). Mount CrossOrigin in front of cookie
// routes the Authenticator does not guard, such as a sign-in form.
func CrossOrigin(opts ...CrossOriginOption) func(http.Handler) http.Handler {
	p := crossorigin.New(opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if crossorigin.Refuse(w, r, p, nil) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
