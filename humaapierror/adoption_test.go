package humaapierror_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

const secret = adaptertest.Secret

// itemIn is the input the validation rows send.
type itemIn struct {
	Body struct {
		Name string `json:"name" minLength:"3"`
		Size int    `json:"size" minimum:"1"`
	}
}

type idIn struct {
	ID string `path:"id"`
}

// adoption is one row of the adoption table: one of huma's own producers
// of a failure, and the net/http code the core answers for the same
// failure.
type adoption struct {
	name         string
	method, path string
	body         string
	huma         func(api huma.API)
	chi          func(r chi.Router)
	status       int
	kind         errresp.Kind
}

func adoptionRows() []adoption {
	returning := func(err error) http.Handler {
		return middleware.Handler(func(http.ResponseWriter, *http.Request) error { return err })
	}
	taken := errresp.New(errresp.Conflict, "That name is taken.")
	none := func(context.Context, *struct{}) (*struct{}, error) { return nil, nil }
	post := func(api huma.API) {
		huma.Post(api, "/items", func(context.Context, *itemIn) (*struct{}, error) { return nil, nil })
	}
	// fail makes the error when the handler runs, as a handler does (huma's
	// constructors call huma.NewError, which Configure replaces).
	fail := func(err func() error) func(api huma.API) {
		return func(api huma.API) {
			huma.Get(api, "/items/{id}", func(context.Context, *idIn) (*struct{}, error) { return nil, err() })
		}
	}
	// What huma says of the bad body below, as huma's validator words it.
	invalid := humaapierror.ErrorOf(422, "validation failed",
		&huma.ErrorDetail{Message: "expected length >= 3", Location: "body.name", Value: "x"},
		&huma.ErrorDetail{Message: "expected number >= 1", Location: "body.size", Value: 0})
	return []adoption{
		{name: "404 no route", method: "GET", path: "/nowhere", huma: func(api huma.API) { huma.Get(api, "/items", none) },
			chi: func(r chi.Router) { r.Get("/items", func(http.ResponseWriter, *http.Request) {}) }, status: 404, kind: errresp.NotFound},
		{name: "405", method: "PUT", path: "/items", huma: func(api huma.API) { huma.Get(api, "/items", none) },
			chi:    func(r chi.Router) { r.Get("/items", func(http.ResponseWriter, *http.Request) {}) },
			status: 405, kind: errresp.MethodNotAllowed},
		{name: "validation failure", method: "POST", path: "/items", body: `{"name":"x","size":0}`, huma: post,
			chi: func(r chi.Router) { r.Method("POST", "/items", returning(invalid)) }, status: 400, kind: errresp.InvalidRequest},
		{name: "body that does not parse", method: "POST", path: "/items", body: `{"name":`, huma: post,
			chi: func(r chi.Router) {
				r.Method("POST", "/items", returning(errresp.New(errresp.InvalidRequest, "unexpected end of JSON input")))
			},
			status: 400, kind: errresp.InvalidRequest},
		{name: "huma.Error404NotFound", method: "GET", path: "/items/2", huma: fail(func() error { return huma.Error404NotFound("item 2 not found") }),
			chi: func(r chi.Router) {
				r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "item 2 not found", 404) })
			},
			status: 404, kind: errresp.NotFound},
		{name: "huma.Error503ServiceUnavailable", method: "GET", path: "/items/2", huma: fail(func() error { return huma.Error503ServiceUnavailable(secret) }),
			chi: func(r chi.Router) {
				r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { http.Error(w, secret, 503) })
			},
			status: 503, kind: errresp.Unavailable},
		{name: "an *errresp.Error returned", method: "GET", path: "/items/2", huma: fail(func() error { return taken }),
			chi: func(r chi.Router) { r.Method("GET", "/items/{id}", returning(taken)) }, status: 409, kind: errresp.Conflict},
		{name: "a plain error returned", method: "GET", path: "/items/2", huma: fail(func() error { return errors.New(secret) }),
			chi:    func(r chi.Router) { r.Method("GET", "/items/{id}", returning(errors.New(secret))) },
			status: 500, kind: errresp.Internal},
		{name: "panic", method: "GET", path: "/items/2",
			huma: func(api huma.API) {
				huma.Get(api, "/items/{id}", func(context.Context, *idIn) (*struct{}, error) { panic(secret) })
			},
			chi:    func(r chi.Router) { r.Get("/items/{id}", func(http.ResponseWriter, *http.Request) { panic(secret) }) },
			status: 500, kind: errresp.Internal},
	}
}

// TestAdoption is the adoption table for huma: each of huma's producers of
// a failure, in every style, answers the bytes (status, body, headers) the
// core answers for the same failure with the same request id, and no 5xx
// body holds the cause's text.
func TestAdoption(t *testing.T) {
	t.Parallel()
	for _, s := range errresp.Styles()[:5] {
		for _, row := range adoptionRows() {
			t.Run(s.Name+"/"+row.name, func(t *testing.T) {
				t.Parallel()
				api, h := newAPI(s)
				row.huma(api)
				hdr := []string{"X-Request-ID", adaptertest.AdoptionID}
				got := call(t, serve(t, h), row.method, row.path, row.body, hdr...)
				want := call(t, serve(t, adaptertest.CoreRouter(s, row.chi)), row.method, row.path, row.body, hdr...)
				adaptertest.Adopted(t, got, want, row.status, row.kind)
			})
		}
	}
}
