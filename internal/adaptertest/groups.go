package adaptertest

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// The keys of the groups' checks: GoodKey is a key of the service's
// KeyRing (principal "admin"), BadKey is well formed and unknown.
const (
	GoodKey = Key
	BadKey  = "demo_nobody_7f3a9c1e5b2d40688ac"
)

// GroupLimits checks a service (srv) with GET /v1/a and GET /v2/b in two
// route groups behind one Authenticator and one limiter of 5 a minute per
// caller on a fixed clock: five requests pass, alternating groups, with
// exact X-RateLimit-* headers; the sixth is a 429 envelope with
// Retry-After 12, and the handler ("ok") does not run.
func GroupLimits(t *testing.T, srv *httptest.Server) {
	t.Helper()
	for i := range 5 {
		path := []string{"/v1/a", "/v2/b"}[i%2]
		got := Call(t, srv, "GET", path, "", "X-API-Key", GoodKey)
		if got.Status != 200 || got.Body != "ok" {
			t.Fatalf("request %d: %d %s", i+1, got.Status, got.Body)
		}
		if l, r := got.Header.Get("X-RateLimit-Limit"), got.Header.Get("X-RateLimit-Remaining"); l != "5" || r != strconv.Itoa(4-i) {
			t.Fatalf("request %d: X-RateLimit-Limit %q, -Remaining %q", i+1, l, r)
		}
	}
	got := Call(t, srv, "GET", "/v1/a", "", "X-API-Key", GoodKey, "X-Request-ID", "rl-6")
	if got.Status != 429 || got.Header.Get("Retry-After") != "12" || got.Header.Get("X-RateLimit-Remaining") != "0" ||
		got.Header.Get("X-RateLimit-Limit") != "5" {
		t.Fatalf("sixth: %d %v %s", got.Status, got.Header, got.Body)
	}
	d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body))
	if d == nil || d.Kind != errresp.RateLimited || d.RequestID != "rl-6" {
		t.Fatalf("sixth body %s decodes as %+v", got.Body, d)
	}
}

// GroupGuard checks the same service, whose Authenticator's guard refuses
// an address after 3 failed credentials for an hour, with a sign-in route
// POST /sign-in behind its Throttle: a missing credential is a 401 with
// WWW-Authenticate; three wrong keys across both groups are three 401s; the
// next request from the address, with a good key, is a 429 with
// Retry-After of about an hour in either group, and so is the sign-in.
func GroupGuard(t *testing.T, srv *httptest.Server) {
	t.Helper()
	got := Call(t, srv, "GET", "/v2/b", "")
	if got.Status != 401 || got.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no credential: %d %v %s", got.Status, got.Header, got.Body)
	}
	if d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body)); d == nil || d.Kind != errresp.NotAuthenticated {
		t.Fatalf("no credential: %s decodes as %+v", got.Body, d)
	}
	for i := range 3 {
		path := []string{"/v1/a", "/v2/b"}[i%2]
		got := Call(t, srv, "GET", path, "", "X-API-Key", BadKey)
		if got.Status != 401 {
			t.Fatalf("wrong key %d: %d %s", i+1, got.Status, got.Body)
		}
	}
	for _, path := range []string{"/v1/a", "/v2/b"} {
		got = Call(t, srv, "GET", path, "", "X-API-Key", GoodKey)
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
	got = Call(t, srv, "POST", "/sign-in", `{}`)
	if got.Status != 429 {
		t.Fatalf("sign-in behind Throttle: %d %s", got.Status, got.Body)
	}
}
