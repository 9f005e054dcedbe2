package gin_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	apigin "github.com/apierror/apierror/gin"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// guardedEngine has two route groups behind one Authenticator (its guard
// refusing an address after 3 failed credentials for an hour) and one
// limiter (5 a minute per caller, on a fixed clock).
func guardedEngine(s *errresp.Style) *gin.Engine {
	var keys auth.KeyRing
	keys.AddKey(adaptertest.GoodKey, &principal.Principal{ID: "admin"}, time.Time{})
	authn := auth.New(&keys, auth.WithGuard(auth.NewFailureGuard(auth.GuardLimit(3, time.Hour))))
	now := time.Unix(1_800_000_000, 0)
	limit := ratelimit.PerMinute(5, ratelimit.WithKey(ratelimit.ByPrincipal()), ratelimit.WithClock(func() time.Time { return now }))
	e := gin.New()
	apigin.Mount(e, s)
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	v1 := e.Group("/v1", apigin.Wrap(authn.Require, limit))
	v1.GET("/a", ok)
	v2 := e.Group("/v2", apigin.Wrap(authn.Require, limit))
	v2.GET("/b", ok)
	e.POST("/sign-in", apigin.Wrap(authn.Throttle), func(c *gin.Context) {
		// Fail answers as the Authenticator does and keeps the failure
		// Throttle reserved.
		authn.Fail(c.Writer, c.Request, signin.NewInvalidCredentials())
		c.Abort()
	})
	return e
}

// TestRateLimitAcrossGroups: one limiter mounted on two gin groups is one
// budget, with exact counts and headers (adaptertest.GroupLimits).
func TestRateLimitAcrossGroups(t *testing.T) {
	t.Parallel()
	adaptertest.ForStyles(t, func(t *testing.T, s *errresp.Style) { adaptertest.GroupLimits(t, serve(t, guardedEngine(s))) })
}

// TestAuthAndGuardAcrossGroups: authentication and the failed-credential
// guard across the groups and a sign-in route (adaptertest.GroupGuard).
func TestAuthAndGuardAcrossGroups(t *testing.T) {
	t.Parallel()
	adaptertest.ForStyles(t, func(t *testing.T, s *errresp.Style) { adaptertest.GroupGuard(t, serve(t, guardedEngine(s))) })
}
