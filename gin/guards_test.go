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
				if got.Status != 200 || got.Body != "ok" {
					t.Fatalf("request %d: %d %s", i+1, got.Status, got.Body)
				}
				if l, r := got.Header.Get("X-RateLimit-Limit"), got.Header.Get("X-RateLimit-Remaining"); l != "5" || r != strconv.Itoa(4-i) {
					t.Fatalf("request %d: X-RateLimit-Limit %q, -Remaining %q", i+1, l, r)
				}
			}
			got := call(t, srv, "GET", "/v1/a", "", "X-API-Key", goodKey, "X-Request-ID", "rl-6")
			if got.Status != 429 || got.Header.Get("Retry-After") != "12" || got.Header.Get("X-RateLimit-Remaining") != "0" ||
				got.Header.Get("X-RateLimit-Limit") != "5" {
				t.Fatalf("sixth: %d %v %s", got.Status, got.Header, got.Body)
			}
			d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body))
			if d == nil || d.Kind != errresp.RateLimited || d.RequestID != "rl-6" {
				t.Fatalf("sixth body %s decodes as %+v", got.Body, d)
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
			if got.Status != 401 || got.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("no credential: %d %v %s", got.Status, got.Header, got.Body)
			}
			if d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body)); d == nil || d.Kind != errresp.NotAuthenticated {
				t.Fatalf("no credential: %s decodes as %+v", got.Body, d)
			}
			for i := range 3 {
				path := []string{"/v1/a", "/v2/b"}[i%2]
				got := call(t, srv, "GET", path, "", "X-API-Key", badKey)
				if got.Status != 401 {
					t.Fatalf("wrong key %d: %d %s", i+1, got.Status, got.Body)
				}
			}
			for _, path := range []string{"/v1/a", "/v2/b"} {
				got = call(t, srv, "GET", path, "", "X-API-Key", goodKey)
				if got.Status != 429 || got.Header.Get("Retry-After") == "" {
					t.Fatalf("good key after 3 failures on %s: %d %v %s", path, got.Status, got.Header, got.Body)
				}
				if ra, _ := strconv.Atoi(got.Header.Get("Retry-After")); ra < 3590 || ra > 3600 {
					t.Fatalf("Retry-After %d, want an hour less the seconds since the first failure", ra)
				}
				if d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body)); d == nil || d.Kind != errresp.RateLimited {
					t.Fatalf("guard: %s decodes as %+v", got.Body, d)
				}
			}
			got = call(t, srv, "POST", "/sign-in", `{}`)
			if got.Status != 429 {
				t.Fatalf("sign-in behind Throttle: %d %s", got.Status, got.Body)
			}
		})
	}
}
