package middleware

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

func TestFailureGuardThreshold(t *testing.T) {
	t.Parallel()
	g := NewFailureGuard()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range DefaultFailureBurst {
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
	check(0, DefaultFailureEvery)
	check(29*time.Second, time.Second)
	check(DefaultFailureEvery, 0) // one attempt earned back
	g.FailAt("a", t0.Add(DefaultFailureEvery))
	check(DefaultFailureEvery, DefaultFailureEvery)
	if err := g.CheckAt("b", t0); err != nil {
		t.Errorf("another address is refused: %v", err)
	}
	check(21*DefaultFailureEvery, 0) // all earned back
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
		if got := guardAddr(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("guardAddr(%q) = %q, want %q", addr, got, want)
		}
	}
}

// The record is bounded: a flood of addresses drops those not refused, and
// keeps those that are.
func TestFailureGuardBounded(t *testing.T) {
	t.Parallel()
	g := NewFailureGuard(GuardLimit(3, time.Minute), GuardAddresses(100))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 3 {
		g.FailAt("attacker", t0)
	}
	for i := range 10_000 {
		g.FailAt("flood-"+strconv.Itoa(i), t0)
	}
	if n := len(g.tat); n > 100 {
		t.Errorf("%d addresses kept, want at most 100", n)
	}
	if g.CheckAt("attacker", t0) == nil {
		t.Error("the flood freed a refused address")
	}
}

// guardFixture: an Authenticator that refuses an address after 3 failures
// an hour, a sign-in route behind its Throttle, and the same answers
// whatever the reason of the failure.
func guardFixture() (*Authenticator, http.Handler) {
	ring := new(KeyRing)
	ring.AddKey(adminKey, admin, time.Time{})
	a := NewAuthenticator(ring, authQuiet, AuthGuard(NewFailureGuard(GuardLimit(3, time.Hour))))
	accounts := map[string]string{demoEmail: demoHash}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/", a.Require(coOK))
	mux.Handle("POST /sign-in", a.Throttle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := testPasswords.Check(accounts[r.FormValue("email")], r.FormValue("password")); err != nil {
			a.Fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	return a, mwChain(mux, RequestID(), Style(errresp.GPCN))
}

// guardDo serves one request from addr; a POST target's query is sent as
// a form body instead.
func guardDo(h http.Handler, method, target, addr string, header ...string) *http.Response {
	var body io.Reader
	if path, form, ok := strings.Cut(target, "?"); ok && method == "POST" {
		target, body = path, strings.NewReader(form)
	}
	mwUseTestLogs()
	r := httptest.NewRequest(method, target, body)
	r.Header.Set(errresp.HeaderRequestID, "req-1")
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return mwServe(h, r).Result()
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
	// The same work: one derivation with the same parameters.
	s1, k1, i1, known1, ok1 := testPasswords.target("")
	s2, k2, i2, known2, ok2 := testPasswords.target(demoHash)
	if !ok1 || !ok2 || known1 || !known2 || len(s1) != len(s2) || len(k1) != len(k2) || i1 != i2 {
		t.Errorf("unknown account: salt %d, key %d, %d iterations; known: salt %d, key %d, %d iterations",
			len(s1), len(k1), i1, len(s2), len(k2), i2)
	}
}

// A pending sign-in allows MaxWrongCodes-1 wrong codes; the next ends it,
// whichever addresses they came from, and the right code no longer works.
func TestWrongCodeCap(t *testing.T) {
	t.Parallel()
	pend := new(KeyRing)
	pend.AddSession(pendingTok, admin, time.Time{})
	a := NewAuthenticator(pend, authQuiet, AuthGuard(nil), AuthSources(FromCookie), AuthCookie("pending_2fa"))
	h := mwChain(a.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("pending_2fa")
		if r.FormValue("code") != demoCode {
			a.Fail(w, r, pend.WrongCode(c.Value))
			return
		}
		pend.Revoke(c.Value)
		w.WriteHeader(http.StatusNoContent)
	})), RequestID(), Style(errresp.GPCN))
	try := func(code string, addr int) (int, map[string]any) {
		resp := guardDo(h, "POST", "/?code="+code, fmt.Sprintf("203.0.113.%d:1", addr), "Cookie", "pending_2fa="+pendingTok)
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	for i := 1; i < MaxWrongCodes; i++ {
		if st, body := try("000000", i); st != 400 || body["error"] != "INVALID_OTP" {
			t.Fatalf("wrong code %d: %d %v, want 400 INVALID_OTP", i, st, body)
		}
	}
	if st, body := try("000000", MaxWrongCodes); st != 401 || body["error"] != "SESSION_EXPIRED" || !strings.Contains(fmt.Sprint(body["message"]), "Too many wrong codes") {
		t.Fatalf("wrong code %d: %d %v, want 401 SESSION_EXPIRED, too many wrong codes", MaxWrongCodes, st, body)
	}
	if st, body := try(demoCode, MaxWrongCodes+1); st != 401 || body["error"] != "SESSION_EXPIRED" {
		t.Errorf("the right code after the cap: %d %v, want 401 SESSION_EXPIRED", st, body)
	}
	if err := pend.WrongCode("unknown"); errresp.KindOf(err) != errresp.SessionExpired {
		t.Errorf("WrongCode of an unknown id = %v, want SessionExpired", err)
	}
	if pend.sessions != 0 {
		t.Errorf("%d sessions held after the revocation", pend.sessions)
	}
}
