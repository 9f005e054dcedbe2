// Command example is a small gin service with apierror mounted: every
// failure, gin's own included, leaves as an envelope in the style chosen
// with -style. It answers the same three failures as the echo and huma
// examples:
//
//	go run ./example -style gpcn
//	curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' -H 'Content-Type: application/json' -d '{"name":"x","size":0}' localhost:8080/v1/items # 400 each bad field
//	curl -i localhost:8080/v1/items                                                    # 401 no key
//	curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' localhost:8080/v1/limited # the fourth in a minute: 429
//
// It lives in the gin module, so that the core module never requires gin.
package main

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/exampleserver"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// demoKey is the API key the example accepts.
const demoKey = "demo_admin_7f3a9c1e5b2d40688acd1"

func main() {
	gin.SetMode(gin.ReleaseMode)
	exampleserver.Run(func(s *errresp.Style) http.Handler { return newEngine(s) }, demoKey)
}

// item is the body POST /v1/items takes.
type item struct {
	Name string `json:"name" validate:"required,min=3"`
	Size int    `json:"size" validate:"min=1,max=64"`
}

// newEngine is the service: the core stack, then /v1 behind an API key and
// 100 requests a minute per caller, /v1/limited at 3 a minute.
func newEngine(s *errresp.Style) *gin.Engine {
	ginapierror.UseValidation(nil) // c.ShouldBindJSON decodes strictly and lists each bad field
	var keys auth.KeyRing
	keys.AddKey(demoKey, &principal.Principal{ID: "admin"}, time.Time{})
	authn := auth.New(&keys)
	perCaller := ratelimit.WithKey(ratelimit.ByPrincipal())

	e := gin.New()
	ginapierror.Mount(e, s)
	v1 := e.Group("/v1", ginapierror.Wrap(authn.Require, ratelimit.PerMinute(100, perCaller)))
	v1.GET("/items", func(c *gin.Context) { c.JSON(http.StatusOK, []item{{Name: "web-1", Size: 2}}) })
	v1.POST("/items", func(c *gin.Context) {
		var in item
		if err := c.ShouldBindJSON(&in); err != nil {
			_ = c.Error(err) // a 400 envelope listing each bad field
			return
		}
		c.JSON(http.StatusCreated, in)
	})
	v1.GET("/limited", ginapierror.Wrap(ratelimit.PerMinute(3, perCaller)), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"ok": true})
	})
	return e
}
