package auth_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
)

// The authFixture: a small service with every authentication failure on a route.

// The authFixture: a small service with every authentication failure on a route.

const (
	adminKey   = "admin-key-0123456789"
	readerKey  = "reader-key-0123456789"
	expiredKey = "expired-key-0123456789"
	revokedKey = "revoked-key-0123456789"
	liveSess   = "live-session-token"
	oldSess    = "old-session-token"
	pendingTok = "pending-token-0001"
	demoEmail  = "demo@example.com"
	demoPass   = "correct-horse"
	demoCode   = "123456"
)

var (
	admin  = &principal.Principal{ID: "u-admin", Tenant: "t1", Permissions: []string{"vms:read", "vms:write"}, Scopes: []string{"vms:read"}}
	reader = &principal.Principal{ID: "u-reader", Tenant: "t1", Permissions: []string{"vms:read"}}
	past   = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	// testPasswords is cheap so that tests are quick; the work is the same
	// for every path whatever the count.
	testPasswords = signin.Passwords{Iterations: 1000}
	demoHash      = authMustHash(demoPass)
)

func authMustHash(pw string) string {
	h, err := testPasswords.Hash(pw)
	if err != nil {
		panic(err)
	}
	return h
}

type authFixture struct {
	auth, pending *auth.Authenticator
	keys, pend    *auth.KeyRing
	mux           http.Handler
}

// authQuiet keeps the tests' expected failures out of the test output.
var authQuiet = auth.WithLogger(slog.New(slog.DiscardHandler))

// authKeyShape is the service's own shape check: its keys are at least 16 bytes,
// so a shorter one was cut short.
func authKeyShape(c auth.Credential) bool { return c.Source == auth.FromCookie || len(c.Secret) >= 16 }

func newAuthFixture(opts ...auth.Option) *authFixture {
	f := &authFixture{keys: new(auth.KeyRing), pend: new(auth.KeyRing)}
	f.keys.AddKey(adminKey, admin, time.Time{})
	f.keys.AddKey(readerKey, reader, time.Time{})
	f.keys.AddKey(expiredKey, reader, past)
	f.keys.AddKey(revokedKey, reader, time.Time{})
	f.keys.Revoke(revokedKey)
	f.keys.AddSession(liveSess, admin, time.Time{})
	f.keys.AddSession(oldSess, admin, past)
	f.pend.AddSession(pendingTok, admin, time.Time{})

	base := []auth.Option{authQuiet, auth.WithGuard(nil), auth.WithSources(auth.FromAPIKeyHeader, auth.FromBearer, auth.FromAPIKeyScheme, auth.FromCookie), auth.WithWellFormed(authKeyShape)}
	f.auth = auth.New(f.keys, append(base, opts...)...)
	f.pending = auth.New(f.pend, authQuiet, auth.WithGuard(nil), auth.WithSources(auth.FromCookie), auth.WithCookie("pending_2fa"))

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", principal.FromContext(r.Context()).ID)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /v1/vms", f.auth.Require(auth.RequirePermission("vms:read")(ok)))
	mux.Handle("DELETE /v1/vms", f.auth.Require(auth.RequirePermission("vms:write")(ok)))
	mux.Handle("GET /v1/scoped", f.auth.Require(auth.RequireScope("vms:write")(ok)))
	mux.Handle("GET /v1/maybe", f.auth.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := principal.FromContext(r.Context()); p != nil {
			fmt.Fprintf(w, "hello %s", p.ID)
			return
		}
		fmt.Fprint(w, "hello anonymous")
	})))
	mux.Handle("GET /v1/optional-guarded", f.auth.Optional(auth.RequirePermission("vms:read")(ok)))
	mux.Handle("GET /v1/other-tenant", f.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.CheckTenant(r.Context(), "t2"); err != nil {
			_, _ = errresp.Write(w, r, err)
			return
		}
		fmt.Fprint(w, "yours")
	})))
	mux.HandleFunc("POST /auth/sign-in/email", f.signIn)
	mux.Handle("POST /auth/two-factor/verify-totp", f.pending.Require(http.HandlerFunc(f.verifyTOTP)))
	f.mux = mux
	return f
}

// signIn is the sign-in handler a service writes with the library's pieces.
func (f *authFixture) signIn(w http.ResponseWriter, r *http.Request) {
	var body struct{ Email, Password string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		_, _ = errresp.Write(w, r, errresp.NewInvalid("The body is not valid JSON."))
		return
	}
	var hash string
	if body.Email == demoEmail {
		hash = demoHash
	}
	if err := testPasswords.Check(hash, body.Password); err != nil {
		f.auth.Fail(w, r, err)
		return
	}
	http.SetCookie(w, f.pending.SessionCookie(pendingTok, 5*time.Minute))
	_, _ = errresp.Write(w, r, signin.NewTwoFactorRequired(true))
}

func (f *authFixture) verifyTOTP(w http.ResponseWriter, r *http.Request) {
	var body struct{ Code string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	if !auth.EqualSecret(body.Code, demoCode) {
		f.pending.Fail(w, r, auth.NewInvalidOTP())
		return
	}
	http.SetCookie(w, f.auth.SessionCookie(f.keys.IssueSession(principal.FromContext(r.Context()), time.Hour), time.Hour))
	w.WriteHeader(http.StatusNoContent)
}

// authServe runs req through h with style s and request id id, as the RequestID
// and Style middleware would set them up.
func authServe(h http.Handler, s *errresp.Style, id string, authReq *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	w, r := errresp.Begin(rec, authReq)
	r = errresp.WithRequestID(errresp.WithStyle(r, s), id)
	h.ServeHTTP(w, r)
	return rec
}

func authReq(method, target, body string, header ...string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return r
}

// want is one style's answer to a failure, as the style's reference page
// gives it (or, where the page is silent, as its conventions do).
type want struct {
	status int
	code   string
}

// authCodes is one failure's answer in the five styles, which all give it the
// same status.
func authCodes(status int, problem, gpcn, devdocs, gcore, authpi string) map[string]want {
	return map[string]want{"problem": {status, problem}, "gpcn": {status, gpcn}, "devdocs": {status, devdocs},
		"gcore": {status, gcore}, "authpi": {status, authpi}}
}

// authCodeMember is the member each style keeps its code in.
var authCodeMember = map[string]string{"problem": "code", "gpcn": "error", "devdocs": "code", "gcore": "exception_class", "authpi": "error"}

const (
	chBearer    = `Bearer realm="api"`
	chBearerBad = `Bearer realm="api", error="invalid_token"`
	chAPIKey    = `APIKey realm="api", header="X-API-Key"`
	chCookie    = `Cookie realm="api", cookie="session"`
)

var (
	challengePlain = []string{chBearer, chAPIKey, chCookie}
	challengeBad   = []string{chBearerBad, chAPIKey, chCookie}
)

// noContent answers 204: the service's handler behind the middleware.
var noContent = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

// gpcnStack mounts RequestID and Style (GPCN) in front of h, as a service does.
func gpcnStack(h http.Handler) http.Handler {
	return middleware.RequestID()(middleware.Style(errresp.GPCN())(h))
}
