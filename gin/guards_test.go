package gin_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	apigin "github.com/apierror/apierror/gin"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

const (
	goodKey = "demo_admin_7f3a9c1e5b2d40688acd1"
	badKey  = "demo_nobody_7f3a9c1e5b2d40688ac"
)

// guardedEngine has two route groups behind one Authenticator (its guard
// refusing an address after 3 failed credentials for an hour) and one
// limiter (5 a minute per caller, on a fixed clock).
func guardedEngine(s *errresp.Style) *gin.Engine {
	var keys auth.KeyRing
	keys.AddKey(goodKey, &principal.Principal{ID: "admin"}, time.Time{})
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
		authn.Guard().Fail(c.Request)
		_ = c.Error(signin.NewInvalidCredentials())
	})
	return e
}

// TestRateLimitAcrossGroups: one limiter mounted on two gin groups is one
// budget: five requests pass, alternating groups, with exact headers; the
// sixth is a 429 envelope with Retry-After, and the handler never runs.
func TestRateLimitAcrossGroups(t *testing.T) {
	t.Parallel()
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, guardedEngine(s))
			for i := range 5 {
				path := []string{"/v1/a", "/v2/b"}[i%2]
				got := call(t, srv, "GET", path, "", "X-API-Key", goodKey)
				if got.status != 200 || got.body != "ok" {
					t.Fatalf("request %d: %d %s", i+1, got.status, got.body)
				}
				if l, r := got.header.Get("X-RateLimit-Limit"), got.header.Get("X-RateLimit-Remaining"); l != "5" || r != strconv.Itoa(4-i) {
					t.Fatalf("request %d: X-RateLimit-Limit %q, -Remaining %q", i+1, l, r)
				}
			}
			got := call(t, srv, "GET", "/v1/a", "", "X-API-Key", goodKey, "X-Request-ID", "rl-6")
			if got.status != 429 || got.header.Get("Retry-After") != "12" || got.header.Get("X-RateLimit-Remaining") != "0" ||
				got.header.Get("X-RateLimit-Limit") != "5" {
				t.Fatalf("sixth: %d %v %s", got.status, got.header, got.body)
			}
			d := errresp.DecodeBody(got.status, got.header.Get("Content-Type"), []byte(got.body))
			if d == nil || d.Kind != errresp.RateLimited || d.RequestID != "rl-6" {
				t.Fatalf("sixth body %s decodes as %+v", got.body, d)
			}
		})
	}
}

// TestAuthAndGuardAcrossGroups: a missing credential is a 401 with
// WWW-Authenticate in either group; three wrong keys, across both groups,
// are three 401s; the fourth request from the address, even with a good
// key, is a 429 with Retry-After, and so is the sign-in route behind
// Throttle.
func TestAuthAndGuardAcrossGroups(t *testing.T) {
	t.Parallel()
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, guardedEngine(s))
			got := call(t, srv, "GET", "/v2/b", "")
			if got.status != 401 || got.header.Get("WWW-Authenticate") == "" {
				t.Fatalf("no credential: %d %v %s", got.status, got.header, got.body)
			}
			if d := errresp.DecodeBody(got.status, got.header.Get("Content-Type"), []byte(got.body)); d == nil || d.Kind != errresp.NotAuthenticated {
				t.Fatalf("no credential: %s decodes as %+v", got.body, d)
			}
			for i := range 3 {
				path := []string{"/v1/a", "/v2/b"}[i%2]
				got := call(t, srv, "GET", path, "", "X-API-Key", badKey)
				if got.status != 401 {
					t.Fatalf("wrong key %d: %d %s", i+1, got.status, got.body)
				}
			}
			for _, path := range []string{"/v1/a", "/v2/b"} {
				got = call(t, srv, "GET", path, "", "X-API-Key", goodKey)
				if got.status != 429 || got.header.Get("Retry-After") == "" {
					t.Fatalf("good key after 3 failures on %s: %d %v %s", path, got.status, got.header, got.body)
				}
				if ra, _ := strconv.Atoi(got.header.Get("Retry-After")); ra < 3590 || ra > 3600 {
					t.Fatalf("Retry-After %d, want an hour less the seconds since the first failure", ra)
				}
				if d := errresp.DecodeBody(got.status, got.header.Get("Content-Type"), []byte(got.body)); d == nil || d.Kind != errresp.RateLimited {
					t.Fatalf("guard: %s decodes as %+v", got.body, d)
				}
			}
			got = call(t, srv, "POST", "/sign-in", `{}`)
			if got.status != 429 {
				t.Fatalf("sign-in behind Throttle: %d %s", got.status, got.body)
			}
		})
	}
}
