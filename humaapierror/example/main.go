// Command example is a small huma v2 service (on chi) with apierror mounted: every
// failure, huma's own included, leaves as an envelope in the style chosen
// with -style. It answers the same three failures as the gin and echo
// examples:
//
//	go run ./example -style gpcn
//	curl localhost:8080/openapi.json                                                    # the error responses: the style's envelope
//	curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' -H 'Content-Type: application/json' -d '{"name":"x","size":0}' localhost:8080/v1/items # 400 each bad field
//	curl -i localhost:8080/v1/items                                                    # 401 no key
//	curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' localhost:8080/v1/limited # the fourth in a minute: 429
//
// It lives in the huma module, so that the core module never requires huma.
package main

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/internal/exampleserver"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// demoKey is the API key the example accepts.
const demoKey = "demo_admin_7f3a9c1e5b2d40688acd1"

func main() {
	exampleserver.Run(newService, demoKey)
}

// item is the body POST /v1/items takes.
type item struct {
	Name string `json:"name" minLength:"3" maxLength:"63"`
	Size int    `json:"size" minimum:"1" maximum:"64"`
}

type itemIn struct{ Body item }

type itemsOut struct{ Body []item }

// newService is the service: the core stack on the router, then the huma
// API, its /v1 group behind an API key and 100 requests a minute per
// caller, /v1/limited at 3 a minute.
func newService(s *errresp.Style) http.Handler {
	var keys auth.KeyRing
	keys.AddKey(demoKey, &principal.Principal{ID: "admin"}, time.Time{})
	authn := auth.New(&keys)
	perCaller := ratelimit.WithKey(ratelimit.ByPrincipal())

	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s, middleware.StyleNegotiate()))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	config := huma.DefaultConfig("Items", "1.0.0")
	humaapierror.Configure(&config) // huma's errors in the style of each request
	api := humachi.New(r, config)
	problem, _ := errresp.StyleNamed("problem")
	humaapierror.Describe(api, s, problem) // the OpenAPI's error responses: the style's envelope

	v1 := huma.NewGroup(api, "/v1")
	v1.UseMiddleware(humaapierror.Middleware(humachi.Unwrap, authn.Require, ratelimit.PerMinute(100, perCaller)))
	huma.Get(v1, "/items", func(context.Context, *struct{}) (*itemsOut, error) {
		return &itemsOut{Body: []item{{Name: "web-1", Size: 2}}}, nil
	})
	huma.Register(v1, huma.Operation{Method: http.MethodPost, Path: "/items", DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict}},
		func(_ context.Context, in *itemIn) (*itemIn, error) { return in, nil }) // a bad body: a 400 listing each field
	huma.Register(v1, huma.Operation{Method: http.MethodGet, Path: "/limited",
		Middlewares: huma.Middlewares{humaapierror.Middleware(humachi.Unwrap, ratelimit.PerMinute(3, perCaller))}},
		func(context.Context, *struct{}) (*itemsOut, error) { return &itemsOut{}, nil })
	return r
}
