package auth_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
)

func TestFailureGuardThreshold(t *testing.T) {
	t.Parallel()
	g := auth.NewFailureGuard()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range auth.DefaultFailureBurst {
		if err := g.CheckAt("a", t0); err != nil {
			t.Fatalf("refused after %d failures: %v", i, err)
		}
		g.FailAt("a", t0)
	}
	check := func(at time.Duration, retry time.Duration) {
		t.Helper()
		err := g.CheckAt("a", t0.Add(at))
		if retry == 0 {
			if err != nil {
				t.Errorf("at +%v: refused: %v", at, err)
			}
			return
		}
		e := errresp.From(err)
		if e == nil || e.Kind != errresp.RateLimited || e.RetryAfter != retry {
			t.Errorf("at +%v: %v (retry after %v), want RateLimited after %v", at, err, e.RetryAfter, retry)
		}
	}
	check(0, auth.DefaultFailureEvery)
	check(29*time.Second, time.Second)
	check(auth.DefaultFailureEvery, 0) // one attempt earned back
	g.FailAt("a", t0.Add(auth.DefaultFailureEvery))
	check(auth.DefaultFailureEvery, auth.DefaultFailureEvery)
	if err := g.CheckAt("b", t0); err != nil {
		t.Errorf("another address is refused: %v", err)
	}
	check(21*auth.DefaultFailureEvery, 0) // all earned back
}

func TestFailureGuardKey(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"192.0.2.1:1234":              "192.0.2.1",
		"[::ffff:192.0.2.1]:1":        "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:443":  "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:8080": "2001:db8:1:2::/64",
		"not an address":              "not an address",
	} {
		if got := auth.GuardAddr(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("auth.GuardAddr(%q) = %q, want %q", addr, got, want)
		}
	}
}

// The record is bounded: a flood of addresses drops those not refused, and
// keeps those that are.
func TestFailureGuardBounded(t *testing.T) {
	t.Parallel()
	g := auth.NewFailureGuard(auth.GuardLimit(3, time.Minute), auth.GuardAddresses(100))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 3 {
		g.FailAt("attacker", t0)
	}
	for i := range 10_000 {
		g.FailAt("flood-"+strconv.Itoa(i), t0)
	}
	if n := g.Addresses(); n > 100 {
		t.Errorf("%d addresses kept, want at most 100", n)
	}
	if g.CheckAt("attacker", t0) == nil {
		t.Error("the flood freed a refused address")
	}
}

// guardFixture: an Authenticator that refuses an address after 3 failures
// an hour, a sign-in route behind its Throttle, and the same answers
// whatever the reason of the failure.
func guardFixture() (*auth.Authenticator, http.Handler) {
	ring := new(auth.KeyRing)
	ring.AddKey(adminKey, admin, time.Time{})
	a := auth.New(ring, authQuiet, auth.WithGuard(auth.NewFailureGuard(auth.GuardLimit(3, time.Hour))))
	accounts := map[string]string{demoEmail: demoHash}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/", a.Require(noContent))
	mux.Handle("POST /sign-in", a.Throttle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := testPasswords.Check(accounts[r.FormValue("email")], r.FormValue("password")); err != nil {
			a.Fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	return a, gpcnStack(mux)
}

// guardDo serves one request from addr; a POST target's query is sent as
// a form body instead.
func guardDo(h http.Handler, method, target, addr string, header ...string) *http.Response {
	var body io.Reader
	if path, form, ok := strings.Cut(target, "?"); ok && method == "POST" {
		target, body = path, strings.NewReader(form)
	}
	r := httptest.NewRequest(method, target, body)
	r.Header.Set(errresp.HeaderRequestID, "req-1")
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Result()
}

// Wrong API keys count against the address: past the threshold every
// credential from it, a valid one too, is a 429 with Retry-After; other
// addresses and requests without a credential are not affected.
func TestAuthenticatorGuard(t *testing.T) {
	t.Parallel()
	_, h := guardFixture()
	for i := range 3 {
		if resp := guardDo(h, "GET", "/v1/x", "192.0.2.1:1", "X-API-Key", "wrong-key-"+strconv.Itoa(i)); resp.StatusCode != 401 {
			t.Fatalf("wrong key %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	for _, key := range []string{"wrong-key-x", adminKey} {
		resp := guardDo(h, "GET", "/v1/x", "192.0.2.1:2", "X-API-Key", key)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3600" {
			t.Errorf("key %q past the threshold: status %d, Retry-After %q; want 429, 3600", key, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.1:3"); resp.StatusCode != 401 {
		t.Errorf("no credential: status %d, want 401", resp.StatusCode)
	}
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.2:1", "X-API-Key", adminKey); resp.StatusCode != 204 {
		t.Errorf("another address: status %d, want 204", resp.StatusCode)
	}
}

// An unknown account and a wrong password get byte-identical answers, both
// before and past the threshold, and cost the same key derivation.
func TestSignInUnknownAndWrongIdentical(t *testing.T) {
	t.Parallel()
	_, h := guardFixture()
	dump := func(resp *http.Response) string {
		var b bytes.Buffer
		_ = resp.Header.Write(&b)
		_, _ = b.ReadFrom(resp.Body)
		return fmt.Sprint(resp.StatusCode) + "\n" + b.String()
	}
	for i := range 4 {
		unknown := dump(guardDo(h, "POST", "/sign-in?email=nobody%40example.com&password=x", "198.51.100.1:1"))
		wrong := dump(guardDo(h, "POST", "/sign-in?email=demo%40example.com&password=x", "198.51.100.2:1"))
		if unknown != wrong {
			t.Errorf("attempt %d: unknown account and wrong password differ:\n%s\n%s", i+1, unknown, wrong)
		}
		want := "401"
		if i == 3 {
			want = "429"
		}
		if !strings.HasPrefix(unknown, want) {
			t.Errorf("attempt %d: %s, want %s", i+1, unknown, want)
		}
	}
	// The same work: signin.TestUnknownAndWrongSameWork.
}
