package main

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// benchPrincipal is the caller apiKey authenticates as.
var benchPrincipal = &middleware.Principal{ID: "bench", Permissions: []string{"vms:read", "vms:write"}}

// authenticate stands in for the library's authentication middleware until
// it is part of the module: it accepts apiKey in X-API-Key and refuses
// anything else through errresp.
func authenticate() func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-API-Key") != apiKey {
				_ = errresp.Write(w, r, errresp.New(errresp.NotAuthenticated, "An API key is required."))
				return
			}
			next.ServeHTTP(w, middleware.WithPrincipal(r, benchPrincipal))
		})
	}
}
