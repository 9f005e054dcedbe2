package auth_test

import (
	"bytes"
	"context"
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
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range auth.DefaultFailureBurst {
		if _, err := g.ReserveAt(ctx, "a", t0); err != nil {
			t.Fatalf("refused after %d failures: %v", i, err)
		}
	}
	check := func(at time.Duration, retry time.Duration) {
		t.Helper()
		res, err := g.ReserveAt(ctx, "a", t0.Add(at))
		if retry == 0 {
			if err != nil {
				t.Errorf("at +%v: refused: %v", at, err)
			}
			res.Cancel()
			return
		}
		e := errresp.From(err)
		if e == nil || e.Kind != errresp.RateLimited || e.RetryAfter != retry || res != nil {
			t.Errorf("at +%v: %v (retry after %v), want RateLimited after %v", at, err, e.RetryAfter, retry)
		}
	}
	check(0, auth.DefaultFailureEvery)
	check(29*time.Second, time.Second)
	check(auth.DefaultFailureEvery, 0) // one attempt earned back, reserved and given back
	if _, err := g.ReserveAt(ctx, "a", t0.Add(auth.DefaultFailureEvery)); err != nil {
		t.Fatalf("the earned attempt: %v", err)
	}
	check(auth.DefaultFailureEvery, auth.DefaultFailureEvery)
	if _, err := g.ReserveAt(ctx, "b", t0); err != nil {
		t.Errorf("another address is refused: %v", err)
	}
	check(21*auth.DefaultFailureEvery, 0) // all earned back
}

// A cancelled reservation gives its failure back exactly, once, and a
// valid credential between failures buys no guesses.
func TestFailureGuardCancel(t *testing.T) {
	t.Parallel()
	g := auth.NewFailureGuard(auth.GuardLimit(3, time.Hour))
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 2 {
		if _, err := g.ReserveAt(ctx, "a", t0); err != nil {
			t.Fatal(err)
		}
	}
	res, err := g.ReserveAt(ctx, "a", t0) // the third: a valid credential
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.ReserveAt(ctx, "a", t0); err == nil {
		t.Fatal("a fourth attempt was admitted while three are reserved")
	}
	res.Cancel()
	res.Cancel() // once only
	if _, err := g.ReserveAt(ctx, "a", t0); err != nil {
		t.Fatalf("the given back attempt: %v", err)
	}
	if _, err := g.ReserveAt(ctx, "a", t0); err == nil {
		t.Fatal("a second Cancel gave back another failure")
	}
	(*auth.Reservation)(nil).Cancel()
}

// lock reserves failures for key at now until the guard refuses it.
func lock(t *testing.T, g *auth.FailureGuard, key string, now time.Time) {
	t.Helper()
	for i := 0; ; i++ {
		if _, err := g.ReserveAt(context.Background(), key, now); err != nil {
			return
		}
		if i > 1000 {
			t.Fatalf("%s is never refused", key)
		}
	}
}

// refused reports whether key is refused at now; an admitted attempt is
// given back.
func refused(g *auth.FailureGuard, key string, now time.Time) bool {
	res, err := g.ReserveAt(context.Background(), key, now)
	res.Cancel()
	return err != nil
}

// A full guard drops the addresses that are not locked out, least recently
// seen first, and never one that is: floodAddrs new addresses (100,000
// without -race) leave a lockout in place.
func TestFailureGuardLockoutSurvivesFlood(t *testing.T) {
	t.Parallel()
	g := auth.NewFailureGuard(auth.GuardLimit(3, time.Minute), auth.GuardAddresses(1000))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lock(t, g, "attacker", t0)
	for i := range floodAddrs {
		if _, err := g.ReserveAt(context.Background(), "flood-"+strconv.Itoa(i), t0.Add(time.Duration(i)*time.Microsecond)); err != nil {
			t.Fatalf("new address %d refused: %v", i, err)
		}
	}
	if n := g.Addresses(); n != 1000 {
		t.Errorf("%d addresses kept, want 1000", n)
	}
	if !refused(g, "attacker", t0.Add(time.Second)) {
		t.Error("the flood freed a locked-out address")
	}
	// The least recently seen went first: the newest address keeps its
	// count (two more attempts, then refused), the oldest starts afresh.
	now := t0.Add(time.Second)
	newest, oldest := "flood-"+strconv.Itoa(floodAddrs-1), "flood-0"
	for i := range 2 {
		if _, err := g.ReserveAt(context.Background(), newest, now); err != nil {
			t.Fatalf("the newest address refused after %d more: %v", i, err)
		}
	}
	if !refused(g, newest, now) {
		t.Error("the newest address was forgotten")
	}
	for range 2 {
		_, _ = g.ReserveAt(context.Background(), oldest, now)
	}
	if refused(g, oldest, now) {
		t.Error("the oldest address kept its count, want it dropped first")
	}
}

// With the default size (DefaultFailureAddresses), a lockout survives a
// flood of twice as many new addresses (without -race; a tenth with it),
// each an IPv6 /64 of its own, as an attacker holding a /48 has.
func TestFailureGuardLockoutSurvivesDefaultFlood(t *testing.T) {
	t.Parallel()
	g := auth.NewFailureGuard()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lock(t, g, "attacker", t0)
	for i := range 2 * floodAddrs {
		key := fmt.Sprintf("2001:db8:%x:%x::/64", i>>16, i&0xffff)
		if _, err := g.ReserveAt(context.Background(), key, t0.Add(time.Second)); err != nil {
			t.Fatalf("new address %d refused: %v", i, err)
		}
	}
	if n := g.Addresses(); n > auth.DefaultFailureAddresses {
		t.Errorf("%d addresses kept, want at most %d", n, auth.DefaultFailureAddresses)
	}
	if !refused(g, "attacker", t0.Add(2*time.Second)) {
		t.Error("the flood freed a locked-out address")
	}
}

// When every address held is locked out, new addresses share one overflow
// allowance with the guard's limit: together they get the burst, then are
// refused until the lockouts end and make room; no lockout is forgotten.
func TestFailureGuardAllLockedOut(t *testing.T) {
	t.Parallel()
	const burst, every = 3, time.Minute
	g := auth.NewFailureGuard(auth.GuardLimit(burst, every), auth.GuardAddresses(1000))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		lock(t, g, "locked-"+strconv.Itoa(i), t0)
	}
	for i := range burst {
		if _, err := g.ReserveAt(context.Background(), "new-"+strconv.Itoa(i), t0); err != nil {
			t.Fatalf("newcomer %d of the burst refused: %v", i, err)
		}
	}
	_, err := g.ReserveAt(context.Background(), "another-new", t0)
	if e := errresp.From(err); e == nil || e.Kind != errresp.RateLimited || e.RetryAfter != every {
		t.Fatalf("a newcomer past the shared burst: %v, want RateLimited after %v", err, every)
	}
	for i := range 1000 {
		if !refused(g, "locked-"+strconv.Itoa(i), t0.Add(every/2)) {
			t.Fatalf("locked-%d was forgotten", i)
		}
	}
	// Once the lockouts end (one attempt earned back), newcomers get
	// entries of their own again.
	if refused(g, "late-new", t0.Add(every)) {
		t.Error("a newcomer is refused after the lockouts ended")
	}
	if n := g.Addresses(); n != 1000 {
		t.Errorf("%d addresses kept, want 1000", n)
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

// TestGuardAddr checks the default key: the address without its port, an
// IPv4-mapped IPv6 address as IPv4, IPv6 cut to its /64.
func TestGuardAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.7:51234":          "192.0.2.7",
		"[::ffff:192.0.2.7]:51234": "192.0.2.7",
		"[2001:db8:1:2:3::9]:443":  "2001:db8:1:2::/64",
		"192.0.2.7":                "192.0.2.7",
		"not an address":           "not an address",
		"[fe80::1%eth0]:80":        "fe80::/64",
	} {
		r := &http.Request{RemoteAddr: in}
		if got := auth.GuardAddr(r); got != want {
			t.Errorf("GuardAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
