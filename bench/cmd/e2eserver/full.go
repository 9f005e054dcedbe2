package main

import (
	"context"
	"net/http"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/validation"
	"github.com/go-chi/chi/v5"
)

// fullStack is the same routes behind the library's full stack: request
// ids, panic recovery, the GPCN style, API-key authentication, a rate limit
// per principal (set high enough never to refuse during a run), strict body
// decoding and parameter validation, every failure written by errresp.Write,
// and chi's unknown routes answered with the envelope too.
func fullStack() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, okBody) })
	r.Group(func(r chi.Router) {
		r.Use(auth.New(auth.VerifierFunc(verify), auth.WithSources(auth.FromAPIKeyHeader)).Require)
		r.Use(ratelimit.PerSecond(1_000_000_000, ratelimit.WithKey(ratelimit.ByPrincipal())))
		r.Get("/v1/vms", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, listBody) })
		r.Method(http.MethodGet, "/v1/vms/{id}", middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
			var p struct {
				ID string `path:"id" validate:"uuid"`
			}
			if err := validation.Params(r, &p); err != nil {
				return err
			}
			if p.ID != knownID {
				return errresp.New(errresp.NotFound, "No VM has this id.")
			}
			writeJSON(w, http.StatusOK, vmBody)
			return nil
		}))
		r.Method(http.MethodPost, "/v1/vms", middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
			var in createVM
			if err := validation.Decode(r, &in); err != nil {
				return err
			}
			writeJSON(w, http.StatusCreated, vmBody)
			return nil
		}))
	})
	return r
}

// benchPrincipal is the caller apiKey authenticates as.
var benchPrincipal = &principal.Principal{ID: "bench", Permissions: []string{"vms:read", "vms:write"}}

// verify accepts apiKey only.
func verify(_ context.Context, c auth.Credential) (*principal.Principal, error) {
	if c.Secret != apiKey {
		return nil, auth.NewKeyInvalid()
	}
	return benchPrincipal, nil
}
