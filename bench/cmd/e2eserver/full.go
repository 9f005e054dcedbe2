package main

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
	"github.com/go-chi/chi/v5"
)

// fullStack is the same routes behind the library's full stack: request
// ids, panic recovery, the GPCN style, API-key authentication and a rate
// limit per principal (set high enough never to refuse during a run), with
// every failure written by errresp.Write.
func fullStack() http.Handler {
	r := chi.NewRouter()
	r.Use(fullMiddleware()...)
	r.NotFound(notFound)
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, okBody) })
	r.Group(func(r chi.Router) {
		r.Use(v1Middleware()...)
		r.Get("/v1/vms", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, listBody) })
		r.Get("/v1/vms/{id}", func(w http.ResponseWriter, r *http.Request) {
			id, err := vmID(r)
			switch {
			case err != nil:
				_ = errresp.Write(w, r, err)
			case id != knownID:
				_ = errresp.Write(w, r, errresp.New(errresp.NotFound, "No VM has this id."))
			default:
				writeJSON(w, http.StatusOK, vmBody)
			}
		})
		r.Post("/v1/vms", func(w http.ResponseWriter, r *http.Request) {
			var in createVM
			if err := decodeVM(r, &in); err != nil {
				_ = errresp.Write(w, r, err)
				return
			}
			writeJSON(w, http.StatusCreated, vmBody)
		})
	})
	return r
}

// chiParam is chi.URLParam, for the parameter helpers.
var chiParam = chi.URLParam
