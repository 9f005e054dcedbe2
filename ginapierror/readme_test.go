package ginapierror_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// The README's block, compiled: TestReadmeBlock checks that the README
// shows it unchanged.
func ginService(authn *auth.Authenticator) *gin.Engine {
	ginapierror.UseValidation(nil) // c.ShouldBindJSON decodes strictly and lists each bad field
	e := gin.New()
	ginapierror.Mount(e, errresp.GPCN()) // request id, recovery, style, 404 and 405; before the routes
	perCaller := ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()))
	v1 := e.Group("/v1", ginapierror.Wrap(authn.Require, perCaller))
	v1.POST("/items", func(c *gin.Context) {
		var in struct {
			Name string `json:"name" validate:"required,min=3"`
		}
		if err := c.ShouldBindJSON(&in); err != nil {
			_ = c.Error(err) // 400, 413 or 415, each bad field listed
			return
		}
		c.Status(http.StatusCreated)
	})
	e.GET("/legacy", func(c *gin.Context) { c.AbortWithStatus(http.StatusUnauthorized) }) // a 401 envelope
	return e
}

// TestReadmeBlock checks that every Go block of the README that uses this
// package is in this file, so it compiles, and that the service it shows
// answers as its comments say.
func TestReadmeBlock(t *testing.T) {
	t.Parallel()
	adaptertest.ReadmeBlocks(t, "../README.md", "ginapierror.", "readme_test.go")

	var keys auth.KeyRing
	keys.AddKey(adaptertest.GoodKey, &principal.Principal{ID: "admin"}, time.Time{})
	srv := serve(t, ginService(auth.New(&keys)))
	adaptertest.ReadmeService(t, srv)
}
