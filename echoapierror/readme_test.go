package echoapierror_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/echoapierror"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// The README's block, compiled: TestReadmeBlock checks that the README
// shows it unchanged.
func echoService(authn *auth.Authenticator) *echo.Echo {
	e := echo.New()
	echoapierror.Mount(e, errresp.GPCN()) // the error handler, request id, recovery and style, before routing
	echoapierror.UseValidation(e, nil)    // c.Bind decodes strictly and lists each bad field
	perCaller := ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()))
	v1 := e.Group("/v1", echoapierror.Wrap(authn.Require, perCaller))
	v1.POST("/items", func(c *echo.Context) error {
		var in struct {
			Name string `json:"name" validate:"required,min=3"`
		}
		if err := c.Bind(&in); err != nil {
			return err // 400 or 413, each bad field listed
		}
		return c.NoContent(http.StatusCreated)
	})
	e.GET("/legacy", func(c *echo.Context) error { return echo.ErrUnauthorized }) // a 401 envelope
	return e
}

// TestReadmeBlock checks that every Go block of the README that uses this
// package is in this file, so it compiles, and that the service it shows
// answers as its comments say.
func TestReadmeBlock(t *testing.T) {
	t.Parallel()
	adaptertest.ReadmeBlocks(t, "../README.md", "echoapierror.", "readme_test.go")
	var keys auth.KeyRing
	keys.AddKey(adaptertest.GoodKey, &principal.Principal{ID: "admin"}, time.Time{})
	srv := serve(t, echoService(auth.New(&keys)))
	adaptertest.ReadmeService(t, srv)
}
