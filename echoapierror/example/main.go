// Command example is a small echo v5 service with apierror mounted: every
// failure, echo's own included, leaves as an envelope in the style chosen
// with -style. It answers the same three failures as the gin and huma
// examples:
//
//	go run ./example -style gpcn
//	curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' -H 'Content-Type: application/json' -d '{"name":"x","size":0}' localhost:8080/v1/items # 400 each bad field
//	curl -i localhost:8080/v1/items                                                    # 401 no key
//	curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' localhost:8080/v1/limited # the fourth in a minute: 429
//
// It lives in the echo module, so that the core module never requires echo.
package main

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/echoapierror"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/exampleserver"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// demoKey is the API key the example accepts.
const demoKey = "demo_admin_7f3a9c1e5b2d40688acd1"

func main() {
	exampleserver.Run(func(s *errresp.Style) http.Handler { return newEcho(s) }, demoKey)
}

// item is the body POST /v1/items takes.
type item struct {
	Name string `json:"name" validate:"required,min=3"`
	Size int    `json:"size" validate:"min=1,max=64"`
}

// newEcho is the service: the core stack, then /v1 behind an API key and
// 100 requests a minute per caller, /v1/limited at 3 a minute.
func newEcho(s *errresp.Style) *echo.Echo {
	var keys auth.KeyRing
	keys.AddKey(demoKey, &principal.Principal{ID: "admin"}, time.Time{})
	authn := auth.New(&keys)
	perCaller := ratelimit.WithKey(ratelimit.ByPrincipal())

	e := echo.New()
	echoapierror.Mount(e, s)
	echoapierror.UseValidation(e, nil) // c.Bind decodes strictly and lists each bad field
	v1 := e.Group("/v1", echoapierror.Wrap(authn.Require, ratelimit.PerMinute(100, perCaller)))
	v1.GET("/items", func(c *echo.Context) error { return c.JSON(http.StatusOK, []item{{Name: "web-1", Size: 2}}) })
	v1.POST("/items", func(c *echo.Context) error {
		var in item
		if err := c.Bind(&in); err != nil {
			return err // a 400 envelope listing each bad field
		}
		return c.JSON(http.StatusCreated, in)
	})
	v1.GET("/limited", func(c *echo.Context) error {
		return c.JSON(http.StatusOK, map[string]bool{"ok": true})
	}, echoapierror.Wrap(ratelimit.PerMinute(3, perCaller)))
	return e
}
