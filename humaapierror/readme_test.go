package humaapierror_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// newItem is the input of the README's POST /v1/items.
type newItem struct {
	Body struct {
		Name string `json:"name" minLength:"3"`
	}
}

// The README's block, compiled: TestReadmeBlock checks that the README
// shows it unchanged.
func humaService(authn *auth.Authenticator) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	config := huma.DefaultConfig("Items", "1.0.0")
	humaapierror.Configure(&config) // huma's errors in the style of each request
	api := humachi.New(r, config)
	humaapierror.Describe(api, errresp.GPCN()) // every operation's error responses: the style's envelope
	v1 := huma.NewGroup(api, "/v1")
	perCaller := ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()))
	v1.UseMiddleware(humaapierror.Middleware(humachi.Unwrap, authn.Require, perCaller))
	huma.Register(v1, huma.Operation{Method: http.MethodPost, Path: "/items", DefaultStatus: http.StatusCreated},
		func(context.Context, *newItem) (*struct{}, error) { return nil, nil }) // a name too short: a 400 listing the field
	huma.Get(api, "/legacy", func(context.Context, *struct{}) (*struct{}, error) {
		return nil, huma.Error401Unauthorized("Sign in first.") // a 401 envelope
	})
	return r
}

// TestReadmeBlock checks that every Go block of the README that uses this
// package is in this file, so it compiles, and that the service it shows
// answers as its comments say.
func TestReadmeBlock(t *testing.T) {
	t.Parallel()
	adaptertest.ReadmeBlocks(t, "../README.md", "humaapierror.", "readme_test.go")
	var keys auth.KeyRing
	keys.AddKey(adaptertest.GoodKey, &principal.Principal{ID: "admin"}, time.Time{})
	adaptertest.ReadmeService(t, serve(t, humaService(auth.New(&keys))))
}
