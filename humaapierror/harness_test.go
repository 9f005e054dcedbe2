package humaapierror_test

import (
	"log/slog"
	"net/http"
	"os"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the stack logs to slog.Default() without LogTo
	os.Exit(m.Run())
}

// The shared helpers of the adapter modules' tests, under short names.
var (
	call  = adaptertest.Call
	serve = adaptertest.Serve
)

// newAPI is a huma API on a chi router with the core stack in style s (and
// the alternatives it negotiates), described in that style.
func newAPI(s *errresp.Style, alternatives ...*errresp.Style) (huma.API, http.Handler) {
	r := chi.NewRouter()
	opts := []middleware.StyleOption{}
	if len(alternatives) > 0 {
		opts = append(opts, middleware.StyleNegotiate(alternatives...))
	}
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s, opts...))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	config := huma.DefaultConfig("Items", "1.0.0")
	humaapierror.Configure(&config)
	api := humachi.New(r, config)
	humaapierror.Describe(api, s, alternatives...)
	return api, r
}
