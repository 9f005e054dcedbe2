package middleware

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/go-chi/chi/v5"
)

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
	admin  = &Principal{ID: "u-admin", Tenant: "t1", Permissions: []string{"vms:read", "vms:write"}, Scopes: []string{"vms:read"}}
	reader = &Principal{ID: "u-reader", Tenant: "t1", Permissions: []string{"vms:read"}}
	past   = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	// testPasswords is cheap so that tests are quick; the work is the same
	// for every path whatever the count.
	testPasswords = Passwords{Iterations: 1000}
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
	auth, pending *Authenticator
	keys, pend    *KeyRing
	mux           http.Handler
}

// authQuiet keeps the tests' expected failures out of the test output.
var authQuiet = AuthLogger(slog.New(slog.DiscardHandler))

// authKeyShape is the service's own shape check: its keys are at least 16 bytes,
// so a shorter one was cut short.
func authKeyShape(c Credential) bool { return c.Source == FromCookie || len(c.Secret) >= 16 }

func newAuthFixture(opts ...AuthOption) *authFixture {
	f := &authFixture{keys: new(KeyRing), pend: new(KeyRing)}
	f.keys.AddKey(adminKey, admin, time.Time{})
	f.keys.AddKey(readerKey, reader, time.Time{})
	f.keys.AddKey(expiredKey, reader, past)
	f.keys.AddKey(revokedKey, reader, time.Time{})
	f.keys.Revoke(revokedKey)
	f.keys.AddSession(liveSess, admin, time.Time{})
	f.keys.AddSession(oldSess, admin, past)
	f.pend.AddSession(pendingTok, admin, time.Time{})

	base := []AuthOption{authQuiet, AuthGuard(nil), AuthSources(FromAPIKeyHeader, FromBearer, FromAPIKeyScheme, FromCookie), AuthWellFormed(authKeyShape)}
	f.auth = NewAuthenticator(f.keys, append(base, opts...)...)
	f.pending = NewAuthenticator(f.pend, authQuiet, AuthGuard(nil), AuthSources(FromCookie), AuthCookie("pending_2fa"))

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", PrincipalFrom(r.Context()).ID)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /v1/vms", f.auth.Require(RequirePermission("vms:read")(ok)))
	mux.Handle("DELETE /v1/vms", f.auth.Require(RequirePermission("vms:write")(ok)))
	mux.Handle("GET /v1/scoped", f.auth.Require(RequireScope("vms:write")(ok)))
	mux.Handle("GET /v1/maybe", f.auth.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := PrincipalFrom(r.Context()); p != nil {
			fmt.Fprintf(w, "hello %s", p.ID)
			return
		}
		fmt.Fprint(w, "hello anonymous")
	})))
	mux.Handle("GET /v1/optional-guarded", f.auth.Optional(RequirePermission("vms:read")(ok)))
	mux.Handle("GET /v1/other-tenant", f.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := CheckTenant(r.Context(), "t2"); err != nil {
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
	_, _ = errresp.Write(w, r, ErrTwoFactorRequired(true))
}

func (f *authFixture) verifyTOTP(w http.ResponseWriter, r *http.Request) {
	var body struct{ Code string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	if !EqualSecret(body.Code, demoCode) {
		f.pending.Fail(w, r, ErrInvalidOTP())
		return
	}
	http.SetCookie(w, f.auth.SessionCookie(f.keys.IssueSession(PrincipalFrom(r.Context()), time.Hour), time.Hour))
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

func TestFailuresInEveryStyle(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	wrongScheme := f.auth.errWrongScheme()

	unauth := func(problem, gpcn, gcore, authpi string) map[string]want {
		return authCodes(401, problem, gpcn, "AUTH-401", gcore, authpi)
	}
	cases := []struct {
		name      string
		authReq   func() *http.Request
		err       *errresp.Error // the failure, as the test expects it to be built
		want      map[string]want
		challenge []string
		message   string // Gcore's wording, where its page gives one (prefix)
	}{
		{"no credentials", func() *http.Request { return authReq("GET", "/v1/vms", "") },
			ErrNotAuthenticated(), unauth("not_authenticated", "NOT_AUTHENTICATED", "not_authenticated", "authentication_required"),
			challengePlain, "Authentication credentials were not provided."},
		{"basic is the wrong scheme", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Basic ZGVtbzpkZW1v") },
			wrongScheme, unauth("wrong_auth_scheme", "UNSUPPORTED_AUTH_SCHEME", "token_not_valid", "unsupported_token_type"),
			challengePlain, "Given token not valid for any token type"},
		{"bearer token cut short", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer admin-key-01") },
			ErrKeyMalformed("admin-key-01"), unauth("credential_malformed", "API_KEY_MALFORMED", "token_not_valid", "invalid_token"),
			challengeBad, "Bad permanent token: admi..."},
		{"unknown key in X-API-Key", func() *http.Request { return authReq("GET", "/v1/vms", "", "X-API-Key", "nobody-key-0123456789") },
			ErrKeyInvalid(), unauth("credential_invalid", "API_KEY_INVALID", "token_not_valid", "unauthorized_client"),
			challengePlain, ""},
		{"revoked key as bearer", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer "+revokedKey) },
			ErrKeyInvalid(), unauth("credential_invalid", "API_KEY_INVALID", "token_not_valid", "unauthorized_client"),
			challengeBad, ""},
		{"expired key in APIKey scheme", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "APIKey "+expiredKey) },
			ErrKeyExpired(), unauth("credential_expired", "API_KEY_EXPIRED", "token_not_valid", "expired_token"),
			challengePlain, ""},
		{"expired key as bearer", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "bearer "+expiredKey) },
			ErrKeyExpired(), unauth("credential_expired", "API_KEY_EXPIRED", "token_not_valid", "expired_token"),
			challengeBad, ""},
		{"expired session", func() *http.Request { return authReq("GET", "/v1/vms", "", "Cookie", "session="+oldSess) },
			ErrSessionExpired(), unauth("session_expired", "SESSION_EXPIRED", "session_expired", "session_expired"),
			challengePlain, ""},
		{"wrong password", func() *http.Request {
			return authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"battery-staple"}`)
		},
			ErrInvalidCredentials(), unauth("invalid_credentials", "INVALID_CREDENTIALS", "authentication_failed", "invalid_credentials"),
			challengePlain, ""},
		{"two factor required", func() *http.Request {
			return authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
		},
			ErrTwoFactorRequired(true), authCodes(400, "two_factor_required", "TWO_FACTOR_REQUIRED", "TWOFACTOR-400", "TwoFactorRequired", "two_factor_required"),
			nil, ""},
		{"wrong one-time code", func() *http.Request {
			return authReq("POST", "/auth/two-factor/verify-totp", `{"code":"654321"}`, "Cookie", "pending_2fa="+pendingTok)
		},
			ErrInvalidOTP(), authCodes(400, "invalid_otp", "INVALID_OTP", "OTP-400", "InvalidOTPError", "invalid_otp"),
			nil, ""},
		{"reader deleting", func() *http.Request { return authReq("DELETE", "/v1/vms", "", "X-API-Key", readerKey) },
			ErrPermissionDenied("vms:write"), authCodes(403, "permission_denied", "INSUFFICIENT_PERMISSIONS", "AUTH-403", "permission_denied", "access_denied"),
			nil, ""},
		{"scope missing, bearer", func() *http.Request { return authReq("GET", "/v1/scoped", "", "Authorization", "Bearer "+adminKey) },
			ErrInsufficientScope("vms:write"), authCodes(403, "insufficient_scope", "INSUFFICIENT_SCOPE", "AUTH-403", "permission_denied", "insufficient_scope"),
			[]string{`Bearer realm="api", error="insufficient_scope", scope="vms:write"`}, ""},
		{"scope missing, X-API-Key", func() *http.Request { return authReq("GET", "/v1/scoped", "", "X-API-Key", adminKey) },
			ErrInsufficientScope("vms:write"), authCodes(403, "insufficient_scope", "INSUFFICIENT_SCOPE", "AUTH-403", "permission_denied", "insufficient_scope"),
			nil, ""},
		{"resource in another tenant", func() *http.Request { return authReq("GET", "/v1/other-tenant", "", "X-API-Key", adminKey) },
			ErrResourceNotFound(), authCodes(404, "not_found", "NOT_FOUND", "NOTFOUND-404", "NotFoundError", "not_found"),
			nil, ""},
	}
	for _, tc := range cases {
		for _, s := range errresp.Styles()[:5] {
			t.Run(tc.name+"/"+s.Name, func(t *testing.T) {
				t.Parallel()
				w, ok := tc.want[s.Name]
				if !ok {
					t.Fatalf("no expectation for style %s", s.Name)
				}
				rec := authServe(f.mux, s, "req-1", tc.authReq())
				body := rec.Body.Bytes()
				if rec.Code != w.status {
					t.Errorf("status = %d, want %d; body %s", rec.Code, w.status, body)
				}
				var m map[string]any
				if err := json.Unmarshal(body, &m); err != nil {
					t.Fatalf("body is not JSON: %v: %s", err, body)
				}
				if got := m[authCodeMember[s.Name]]; got != w.code {
					t.Errorf("code = %v, want %s", got, w.code)
				}
				wantBody, wantStatus := errresp.Render(s, tc.err, "req-1")
				if !bytes.Equal(body, wantBody) || wantStatus != w.status {
					t.Errorf("body =\n%s\nwant (%d)\n%s", body, wantStatus, wantBody)
				}
				if got := rec.Header().Values("WWW-Authenticate"); !slices.Equal(got, tc.challenge) {
					t.Errorf("WWW-Authenticate = %q, want %q", got, tc.challenge)
				}
				// The message: the error's own, else the style's page text
				// for the kind, else the middleware's default.
				wantMsg := tc.err.Message
				if wantMsg == "" {
					wantMsg = s.Messages[tc.err.Kind]
				}
				if wantMsg == "" {
					wantMsg = tc.err.DefaultMessage
				}
				for _, v := range rec.Header().Values("WWW-Authenticate") {
					if strings.Contains(v, wantMsg) {
						t.Errorf("the challenge %q repeats the message", v)
					}
				}
				if got := rec.Header().Values(errresp.HeaderRequestID); len(got) != 1 || got[0] != "req-1" {
					t.Errorf("X-Request-ID = %q", got)
				}
				d := errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), body)
				if d.Kind != tc.err.Kind || d.Message != wantMsg {
					t.Errorf("decoded %v %q, want %v %q", d.Kind, d.Message, tc.err.Kind, wantMsg)
				}
				if tc.message != "" && !strings.HasPrefix(d.Message, tc.message) {
					t.Errorf("message %q does not start with %q", d.Message, tc.message)
				}
				if tc.err.Kind == errresp.TwoFactorRequired {
					if d.Info["totpConfigured"] != true {
						t.Errorf("info = %v, want totpConfigured true", d.Info)
					}
					if c := rec.Result().Cookies(); len(c) != 1 || c[0].Name != "pending_2fa" || !c[0].HttpOnly || !c[0].Secure {
						t.Errorf("cookies = %v, want one secure pending_2fa cookie", c)
					}
				}
			})
		}
	}
}

func TestStylesCovered(t *testing.T) {
	t.Parallel()
	var names []string
	for _, s := range errresp.Styles()[:5] {
		names = append(names, s.Name)
	}
	if want := []string{"problem", "gpcn", "devdocs", "gcore", "authpi"}; !slices.Equal(names, want) {
		t.Fatalf("built-in styles = %v, want %v", names, want)
	}
}

func TestSignInSameAnswerForUnknownAccount(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			wrong := authServe(f.mux, s, "req-wrong-password", authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"nope"}`))
			unknown := authServe(f.mux, s, "req-unknown-account", authReq("POST", "/auth/sign-in/email", `{"email":"nobody@example.com","password":"nope"}`))
			a := bytes.ReplaceAll(wrong.Body.Bytes(), []byte("req-wrong-password"), []byte("ID"))
			b := bytes.ReplaceAll(unknown.Body.Bytes(), []byte("req-unknown-account"), []byte("ID"))
			if !bytes.Equal(a, b) || wrong.Code != unknown.Code {
				t.Errorf("wrong password (%d):\n%s\nunknown account (%d):\n%s", wrong.Code, a, unknown.Code, b)
			}
			wrong.Header().Del(errresp.HeaderRequestID)
			unknown.Header().Del(errresp.HeaderRequestID)
			if fmt.Sprint(wrong.Header()) != fmt.Sprint(unknown.Header()) {
				t.Errorf("headers differ:\n%v\n%v", wrong.Header(), unknown.Header())
			}
		})
	}
}

func TestSignInFlow(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	rec := authServe(f.mux, errresp.GPCN, "r1", authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`))
	if rec.Code != 400 {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	pending := rec.Result().Cookies()[0]
	rec = authServe(f.mux, errresp.GPCN, "r2", authReq("POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`, "Cookie", pending.String()))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "session" || cookies[0].MaxAge != 3600 || !cookies[0].HttpOnly {
		t.Fatalf("verify cookies = %v", cookies)
	}
	rec = authServe(f.mux, errresp.GPCN, "r3", authReq("GET", "/v1/vms", "", "Cookie", "session="+cookies[0].Value))
	if rec.Code != 200 || rec.Body.String() != "hello u-admin" {
		t.Fatalf("with session: %d %s", rec.Code, rec.Body)
	}
	// Without the pending cookie, the second step is not authenticated.
	rec = authServe(f.mux, errresp.GPCN, "r4", authReq("POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`))
	if rec.Code != 401 || !slices.Equal(rec.Header().Values("WWW-Authenticate"), []string{`Cookie realm="api", cookie="pending_2fa"`}) {
		t.Fatalf("verify without cookie: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

func TestAdmitted(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	cases := []struct {
		name    string
		authReq *http.Request
		status  int
		body    string
	}{
		{"X-API-Key", authReq("GET", "/v1/vms", "", "X-API-Key", readerKey), 200, "hello u-reader"},
		{"Bearer", authReq("GET", "/v1/vms", "", "Authorization", "Bearer "+adminKey), 200, "hello u-admin"},
		{"bearer, lower case, spaces", authReq("GET", "/v1/vms", "", "Authorization", "  bearer   "+adminKey+" "), 200, "hello u-admin"},
		{"APIKey", authReq("GET", "/v1/vms", "", "Authorization", "APIKey "+adminKey), 200, "hello u-admin"},
		{"session cookie", authReq("GET", "/v1/vms", "", "Cookie", "theme=dark; session="+liveSess), 200, "hello u-admin"},
		{"header wins over cookie", authReq("GET", "/v1/vms", "", "X-API-Key", readerKey, "Cookie", "session="+liveSess), 200, "hello u-reader"},
		{"writer deleting", authReq("DELETE", "/v1/vms", "", "X-API-Key", adminKey), 200, "hello u-admin"},
		{"optional, anonymous", authReq("GET", "/v1/maybe", ""), 200, "hello anonymous"},
		{"optional, empty Authorization", authReq("GET", "/v1/maybe", "", "Authorization", " "), 200, "hello anonymous"},
		{"optional, bad key still fails", authReq("GET", "/v1/maybe", "", "X-API-Key", "nobody-key-0123456789"), 401, ""},
		{"optional, wrong scheme still fails", authReq("GET", "/v1/maybe", "", "Authorization", "Basic eDp5"), 401, ""},
		{"optional, scheme without token fails", authReq("GET", "/v1/maybe", "", "Authorization", "Bearer"), 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := authServe(f.mux, errresp.Problem, "id", tc.authReq)
			if rec.Code != tc.status || tc.body != "" && rec.Body.String() != tc.body {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body, tc.status, tc.body)
			}
		})
	}
}

func TestOptionalThenRequirePermission(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	rec := authServe(f.mux, errresp.GPCN, "id", authReq("GET", "/v1/optional-guarded", ""))
	d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
	if rec.Code != 401 || d.Kind != errresp.NotAuthenticated || !slices.Equal(rec.Header().Values("WWW-Authenticate"), challengePlain) {
		t.Errorf("got %d %v %v", rec.Code, d.Kind, rec.Header().Values("WWW-Authenticate"))
	}
}

func TestExtract(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 5000)
	cases := []struct {
		name   string
		opts   []AuthOption
		header []string
		kind   errresp.Kind // Unknown: extracted
		source CredentialSource
		secret string
	}{
		{"nothing", nil, nil, errresp.NotAuthenticated, 0, ""},
		{"empty X-API-Key", nil, []string{"X-API-Key", " "}, errresp.NotAuthenticated, FromAPIKeyHeader, ""},
		{"scheme alone", nil, []string{"Authorization", "Bearer"}, errresp.NotAuthenticated, FromBearer, ""},
		{"scheme and spaces", nil, []string{"Authorization", "APIKey    "}, errresp.NotAuthenticated, FromAPIKeyScheme, ""},
		{"bare token", nil, []string{"Authorization", "abcdef0123456789"}, errresp.WrongAuthScheme, 0, ""},
		{"digest", nil, []string{"Authorization", `Digest username="x"`}, errresp.WrongAuthScheme, 0, ""},
		{"two Authorization headers", nil, []string{"Authorization", "Bearer a", "Authorization", "Bearer b"}, errresp.CredentialMalformed, FromBearer | FromAPIKeyHeader, ""},
		{"Authorization and X-API-Key", nil, []string{"Authorization", "Bearer a", "X-API-Key", "b"}, errresp.CredentialMalformed, FromBearer | FromAPIKeyHeader, ""},
		{"token with a space", nil, []string{"Authorization", "Bearer abc def"}, errresp.CredentialMalformed, FromBearer, "abc def"},
		{"token with a control byte", nil, []string{"X-API-Key", "abc\x01def"}, errresp.CredentialMalformed, FromAPIKeyHeader, "abc\x01def"},
		{"token not ASCII", nil, []string{"X-API-Key", "clé-secrète"}, errresp.CredentialMalformed, FromAPIKeyHeader, "clé-secrète"},
		{"token too long", nil, []string{"X-API-Key", long}, errresp.CredentialMalformed, FromAPIKeyHeader, long},
		{"token just long enough", []AuthOption{AuthMaxLength(5000)}, []string{"X-API-Key", long}, errresp.Unknown, FromAPIKeyHeader, long},
		{"bearer not accepted", []AuthOption{AuthSources(FromAPIKeyHeader)}, []string{"Authorization", "Bearer abc"}, errresp.WrongAuthScheme, 0, ""},
		{"X-API-Key not accepted", []AuthOption{AuthSources(FromBearer)}, []string{"X-API-Key", "abc"}, errresp.WrongAuthScheme, FromAPIKeyHeader, "abc"},
		{"cookie not accepted", nil, []string{"Cookie", "session=abc"}, errresp.NotAuthenticated, 0, ""},
		{"cookie", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "sid=abc"}, errresp.Unknown, FromCookie, "abc"},
		{"cookie empty", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "sid="}, errresp.NotAuthenticated, FromCookie, ""},
		{"cookie among others", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "a=1;sid=abc ; b=2"}, errresp.Unknown, FromCookie, "abc"},
		{"cookie in the second line", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "a=1", "Cookie", "sid=abc"}, errresp.Unknown, FromCookie, "abc"},
		{"cookie quoted", []AuthOption{AuthCookie("sid")}, []string{"Cookie", `sid="abc"`}, errresp.Unknown, FromCookie, "abc"},
		{"cookie twice, first wins", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "sid=abc; sid=def"}, errresp.Unknown, FromCookie, "abc"},
		{"cookie with a comma", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "sid=a,b"}, errresp.Unknown, FromCookie, "a,b"},
		{"cookie name as a prefix", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "sidx=abc; xsid=def"}, errresp.NotAuthenticated, 0, ""},
		{"cookie without a value", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "sid"}, errresp.NotAuthenticated, 0, ""},
		{"cookie of another name", []AuthOption{AuthCookie("sid")}, []string{"Cookie", "session=abc"}, errresp.NotAuthenticated, 0, ""},
		{"APIKey scheme", nil, []string{"Authorization", "apikey abc"}, errresp.Unknown, FromAPIKeyScheme, "abc"},
		{"refused by the shape check", []AuthOption{AuthWellFormed(authKeyShape)}, []string{"X-API-Key", "short"}, errresp.CredentialMalformed, FromAPIKeyHeader, "short"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := NewAuthenticator(new(KeyRing), tc.opts...)
			c, err := a.Extract(authReq("GET", "/", "", tc.header...))
			if got := errresp.KindOf(err); got != tc.kind {
				t.Errorf("kind = %v (%v), want %v", got, err, tc.kind)
			}
			if c.Source != tc.source || c.Secret != tc.secret {
				t.Errorf("credential = %v %q, want %v %q", c.Source, c.Secret, tc.source, tc.secret)
			}
		})
	}
}

func TestErrKeyMalformedNeverEchoesTheSecret(t *testing.T) {
	t.Parallel()
	cases := []struct{ secret, want string }{
		{"", "Bad permanent token."},
		{"ab", "Bad permanent token."},
		{"abc", "Bad permanent token: a..."},
		{"1234", "Bad permanent token: 1..."},
		{"gcore_123456789abcdef", "Bad permanent token: gcore_..."},
		{"a$b$c$d$e$f$g", "Bad permanent token: a..."},
		{"<script>alert(1)</script>", "Bad permanent token."},
		{"ab\"cdefgh", "Bad permanent token: ab..."},
	}
	for _, tc := range cases {
		t.Run(tc.secret, func(t *testing.T) {
			t.Parallel()
			if got := ErrKeyMalformed(tc.secret).Message; got != tc.want {
				t.Errorf("message = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestChallenges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []AuthOption
		want []string
	}{
		{"default", nil, []string{`Bearer realm="api"`, `APIKey realm="api", header="X-API-Key"`}},
		{"bearer only", []AuthOption{AuthSources(FromBearer), AuthRealm("vms")}, []string{`Bearer realm="vms"`}},
		{"APIKey scheme only", []AuthOption{AuthSources(FromAPIKeyScheme)}, []string{`APIKey realm="api"`}},
		{"cookie only", []AuthOption{AuthSources(FromCookie)}, []string{`Cookie realm="api", cookie="session"`}},
		{"named cookie only", []AuthOption{AuthSources(FromCookie), AuthCookie("sid")}, []string{`Cookie realm="api", cookie="sid"`}},
		{"cookie named before the sources", []AuthOption{AuthCookie("sid"), AuthSources(FromBearer)}, []string{`Bearer realm="api"`, `Cookie realm="api", cookie="sid"`}},
		{"default sources and a cookie", []AuthOption{AuthCookie("sid")}, []string{`Bearer realm="api"`, `APIKey realm="api", header="X-API-Key"`, `Cookie realm="api", cookie="sid"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := NewAuthenticator(new(KeyRing), append(tc.opts, authQuiet)...)
			rec := authServe(a.Require(http.NotFoundHandler()), errresp.Gcore, "x", authReq("GET", "/", ""))
			if got := rec.Header().Values("WWW-Authenticate"); rec.Code != 401 || !slices.Equal(got, tc.want) {
				t.Errorf("got %d %q, want %q", rec.Code, got, tc.want)
			}
		})
	}
}

func TestFail(t *testing.T) {
	t.Parallel()
	a := NewAuthenticator(new(KeyRing), authQuiet)
	shared := ErrInvalidCredentials()
	cases := []struct {
		name      string
		err       error
		status    int
		challenge int
	}{
		{"401 gets the challenges", shared, 401, 2},
		{"again, the error is not modified", shared, 401, 2},
		{"own challenge kept", ErrInvalidCredentials().WithHeader("WWW-Authenticate", `Custom realm="x"`), 401, 1},
		{"400 gets none", ErrInvalidOTP(), 400, 0},
		{"plain error is internal", fmt.Errorf("db down"), 500, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			a.Fail(rec, authReq("POST", "/", ""), tc.err)
			if rec.Code != tc.status || len(rec.Header().Values("WWW-Authenticate")) != tc.challenge {
				t.Errorf("got %d %v", rec.Code, rec.Header())
			}
		})
	}
	if shared.Header != nil {
		t.Errorf("Fail modified the error: %v", shared.Header)
	}
	rec := httptest.NewRecorder()
	a.Fail(rec, authReq("GET", "/", ""), nil)
	if rec.Body.Len() != 0 {
		t.Errorf("nil error wrote %q", rec.Body)
	}
}

func TestVerifierAnswers(t *testing.T) {
	t.Parallel()
	nothing := func(context.Context, Credential) (*Principal, error) { return nil, nil }
	key := []string{"X-API-Key", "k"}
	cases := []struct {
		name   string
		verify VerifierFunc
		header []string
		status int
		kind   errresp.Kind
	}{
		{"nil principal, nil error", nothing, key, 401, errresp.CredentialInvalid},
		{"nil principal, nil error, cookie", nothing, []string{"Cookie", "sid=s"}, 401, errresp.SessionExpired},
		{"plain error", func(context.Context, Credential) (*Principal, error) { return nil, fmt.Errorf("db: %s", "down") }, key, 500, errresp.Internal},
		{"wrapped kind", func(context.Context, Credential) (*Principal, error) {
			return nil, fmt.Errorf("lookup: %w", ErrKeyExpired())
		}, key, 401, errresp.CredentialExpired},
		{"unavailable", func(context.Context, Credential) (*Principal, error) {
			return nil, errresp.New(errresp.Unavailable, "The key store is down.")
		}, key, 503, errresp.Unavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := Authenticate(tc.verify, authQuiet, AuthCookie("sid"))(http.NotFoundHandler())
			rec := authServe(h, errresp.Problem, "id", authReq("GET", "/", "", tc.header...))
			d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
			if rec.Code != tc.status || d.Kind != tc.kind {
				t.Errorf("got %d %v %s", rec.Code, d.Kind, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "db") {
				t.Errorf("internal cause leaked: %s", rec.Body)
			}
		})
	}
}

func TestLogging(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newAuthFixture(AuthLogger(l))
	for _, r := range []*http.Request{
		authReq("GET", "/v1/vms", "", "X-API-Key", "nobody-key-0123456789"),
		authReq("GET", "/v1/vms", "", "Authorization", "Bearer short-secret"),
		authReq("DELETE", "/v1/vms", "", "Authorization", "Bearer "+readerKey),
	} {
		authServe(f.mux, errresp.GPCN, "req-log", r)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, got %q", lines)
	}
	for _, secret := range []string{"nobody-key-0123456789", "short-secret", readerKey} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("a secret was logged: %s", buf.String())
		}
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil {
		t.Fatal(err)
	}
	if last["request_id"] != "req-log" || last["principal_id"] != "u-reader" || last["permission"] != "vms:write" || last["msg"] != "permission denied" {
		t.Errorf("permission line = %v", last)
	}
	var first map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	if first["request_id"] != "req-log" || first["kind"] != "credential_invalid" || first["source"] != "x-api-key" {
		t.Errorf("authentication line = %v", first)
	}
}

func TestCredentialNeverPrintsItsSecret(t *testing.T) {
	t.Parallel()
	c := Credential{Source: FromBearer, Secret: "s3cr3t-value"}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "cred", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), buf.String()} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

func TestEqualSecret(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want bool
	}{
		{"123456", "123456", true},
		{"123456", "123457", false},
		{"123456", "1234567", false},
		{"", "", true},
		{"", "0", false},
	}
	for _, tc := range cases {
		t.Run(tc.a+"|"+tc.b, func(t *testing.T) {
			t.Parallel()
			if got := EqualSecret(tc.a, tc.b); got != tc.want {
				t.Errorf("EqualSecret = %v", got)
			}
		})
	}
}

func TestPasswords(t *testing.T) {
	t.Parallel()
	h1, h2 := authMustHash("pw"), authMustHash("pw")
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal; the salt is not random")
	}
	cases := []struct {
		name, hash, pw string
		kind           errresp.Kind // Unknown: accepted
	}{
		{"right", h1, "pw", errresp.Unknown},
		{"right, other salt", h2, "pw", errresp.Unknown},
		{"wrong", h1, "pW", errresp.InvalidCredentials},
		{"unknown account", "", "pw", errresp.InvalidCredentials},
		{"other algorithm", strings.Replace(h1, "pbkdf2-sha256", "bcrypt", 1), "pw", errresp.Internal},
		{"garbage", "$$$", "pw", errresp.Internal},
		{"iterations zero", "pbkdf2-sha256$0$c2FsdA$a2V5", "pw", errresp.Internal},
		{"iterations huge", "pbkdf2-sha256$999999999999$c2FsdA$a2V5", "pw", errresp.Internal},
		{"bad base64", "pbkdf2-sha256$10$!!$a2V5", "pw", errresp.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testPasswords.Check(tc.hash, tc.pw)
			if got := errresp.KindOf(err); got != tc.kind {
				t.Errorf("kind = %v (%v), want %v", got, err, tc.kind)
			}
		})
	}
}

// The unknown-account path does the work of a real check: one derivation with
// the same iteration count and the same salt and key lengths.
func TestPasswordsUnknownAccountDoesEqualWork(t *testing.T) {
	t.Parallel()
	for _, p := range []Passwords{{}, {Iterations: 1000}} {
		if p.Iterations == 0 && testing.Short() {
			continue
		}
		h, err := p.Hash("x")
		if err != nil {
			t.Fatal(err)
		}
		iter, salt, key, ok := authParseHash(h)
		if !ok || iter != p.iterations() || len(salt) != len(authDummySalt) || len(key) != len(authDummyKey) {
			t.Errorf("hash %s: iterations %d salt %d key %d; the unknown path uses %d, %d, %d",
				h, iter, len(salt), len(key), p.iterations(), len(authDummySalt), len(authDummyKey))
		}
	}
	if (Passwords{}).iterations() != DefaultPasswordIterations {
		t.Errorf("zero Passwords does not use the default count")
	}
	if _, err := (Passwords{Iterations: authMaxIter + 1}).Hash("x"); err == nil {
		t.Errorf("a count above the maximum was accepted")
	}
}

func TestKeyRing(t *testing.T) {
	t.Parallel()
	// Sessions that have ended by the wall clock are swept when others are
	// added, so the instants are taken from it; VerifyAt gets them explicitly.
	now := time.Now()
	var k KeyRing
	k.AddKey("key-a", admin, now.Add(time.Hour))
	k.AddSession("sess-a", reader, now.Add(time.Minute))
	cases := []struct {
		name string
		c    Credential
		at   time.Time
		want *Principal
		kind errresp.Kind
	}{
		{"key", Credential{FromAPIKeyHeader, "key-a"}, now, admin, errresp.Unknown},
		{"key as bearer", Credential{FromBearer, "key-a"}, now, admin, errresp.Unknown},
		{"key at its expiry", Credential{FromAPIKeyScheme, "key-a"}, now.Add(time.Hour), nil, errresp.CredentialExpired},
		{"key as cookie", Credential{FromCookie, "key-a"}, now, nil, errresp.SessionExpired},
		{"unknown key", Credential{FromAPIKeyHeader, "key-b"}, now, nil, errresp.CredentialInvalid},
		{"session", Credential{FromCookie, "sess-a"}, now, reader, errresp.Unknown},
		{"session just before its end", Credential{FromCookie, "sess-a"}, now.Add(time.Minute - 1), reader, errresp.Unknown},
		{"session ended", Credential{FromCookie, "sess-a"}, now.Add(time.Minute), nil, errresp.SessionExpired},
		{"session as a key", Credential{FromAPIKeyHeader, "sess-a"}, now, nil, errresp.CredentialInvalid},
		{"unknown session", Credential{FromCookie, "sess-b"}, now, nil, errresp.SessionExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := k.VerifyAt(tc.c, tc.at)
			if p != tc.want || errresp.KindOf(err) != tc.kind {
				t.Errorf("got %v %v, want %v %v", p, err, tc.want, tc.kind)
			}
		})
	}
}

func TestKeyRingRevokeAndSweep(t *testing.T) {
	t.Parallel()
	var k KeyRing
	k.AddKey("key", admin, time.Time{})
	if !k.Revoke("key") || k.Revoke("key") {
		t.Errorf("Revoke reports wrongly")
	}
	if _, err := k.Verify(context.Background(), Credential{FromAPIKeyHeader, "key"}); errresp.KindOf(err) != errresp.CredentialInvalid {
		t.Errorf("revoked key: %v", err)
	}
	for i := range 100 {
		k.AddSession(fmt.Sprint("old-", i), admin, past)
	}
	id := k.IssueSession(admin, time.Hour)
	if len(id) < 26 {
		t.Errorf("session id %q is short", id)
	}
	k.mu.RLock()
	n, held := k.sessions, len(k.entries)
	k.mu.RUnlock()
	if n >= 100 || n != held {
		t.Errorf("ended sessions kept: %d counted, %d held", n, held)
	}
	if p, err := k.Verify(context.Background(), Credential{FromCookie, id}); p != admin || err != nil {
		t.Errorf("issued session: %v %v", p, err)
	}
	if !k.Revoke(id) {
		t.Errorf("issued session not revoked")
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	a := NewAuthenticator(new(KeyRing), AuthCookie("sid"))
	c := a.SessionCookie("v", 90*time.Second)
	if c.Name != "sid" || c.Value != "v" || c.MaxAge != 90 || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie = %v", c)
	}
	if c := a.ClearSessionCookie(); c.MaxAge != -1 || c.Value != "" {
		t.Errorf("clear = %v", c)
	}
	dev := NewAuthenticator(new(KeyRing), AuthInsecureCookies())
	if c := dev.SessionCookie("v", 0); c.Secure || c.MaxAge != 0 || c.Name != "session" {
		t.Errorf("insecure = %v", c)
	}
}

func TestConstructionPanics(t *testing.T) {
	t.Parallel()
	ring := new(KeyRing)
	cases := []struct {
		name string
		fn   func()
	}{
		{"nil verifier", func() { NewAuthenticator(nil) }},
		{"no sources", func() { NewAuthenticator(ring, AuthSources()) }},
		{"unknown source", func() { NewAuthenticator(ring, AuthSources(1<<6)) }},
		{"realm with a quote", func() { NewAuthenticator(ring, AuthRealm(`a"b`)) }},
		{"empty realm", func() { NewAuthenticator(ring, AuthRealm("")) }},
		{"cookie name with a space", func() { NewAuthenticator(ring, AuthCookie("my cookie")) }},
		{"max length zero", func() { NewAuthenticator(ring, AuthMaxLength(0)) }},
		{"nil next", func() { NewAuthenticator(ring).Require(nil) }},
		{"empty key", func() { ring.AddKey("", admin, time.Time{}) }},
		{"nil principal", func() { ring.AddSession("x", nil, time.Time{}) }},
		{"no permission", func() { RequirePermission() }},
		{"empty permission", func() { RequirePermission("") }},
		{"scope with a space", func() { RequireScope("a b") }},
		{"scope with a quote", func() { RequireScope(`a"`) }},
		{"permission, nil next", func() { RequirePermission("x")(nil) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "apierror/middleware: ") {
					t.Errorf("panic = %v, want one prefixed apierror/middleware: ", r)
				}
			}()
			tc.fn()
		})
	}
}

func TestPrincipalContext(t *testing.T) {
	t.Parallel()
	type k struct{}
	r := authReq("GET", "/", "")
	r = r.WithContext(context.WithValue(r.Context(), k{}, "parent value"))
	r = errresp.WithRequestID(r, "rid")
	if PrincipalFrom(r.Context()) != nil {
		t.Fatal("principal before WithPrincipal")
	}
	r = WithPrincipal(r, admin)
	ctx, cancel := context.WithCancel(r.Context())
	if PrincipalFrom(ctx) != admin || ctx.Value(k{}) != "parent value" || errresp.RequestID(ctx) != "rid" {
		t.Errorf("values lost through the principal's context")
	}
	cancel()
	<-ctx.Done()
	r2 := WithPrincipal(r, reader)
	if PrincipalFrom(r2.Context()) != reader || PrincipalFrom(r.Context()) != admin {
		t.Errorf("WithPrincipal did not copy")
	}
}

func TestChiRouter(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	r := chi.NewRouter()
	r.Use(f.auth.Require)
	r.With(RequirePermission("vms:write")).Delete("/vms/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "deleted %s by %s", chi.URLParam(r, "id"), PrincipalFrom(r.Context()).ID)
	})
	cases := []struct {
		name, key string
		status    int
		body      string
	}{
		{"writer", adminKey, 200, "deleted 7 by u-admin"},
		{"reader", readerKey, 403, ""},
		{"nobody", "", 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rq := authReq("DELETE", "/vms/7", "")
			if tc.key != "" {
				rq.Header.Set("X-API-Key", tc.key)
			}
			rec := authServe(r, errresp.AuthPI, "id", rq)
			if rec.Code != tc.status || tc.body != "" && rec.Body.String() != tc.body {
				t.Errorf("got %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// FuzzAuthenticate sends arbitrary credential headers through Require: the
// answer is always a 401 envelope (or the handler, for a real key), never a
// panic or a 5xx, and a malformed credential's message echoes at most a short
// prefix of it.
func FuzzAuthenticate(f *testing.F) {
	f.Add("Bearer "+adminKey, "", "")
	f.Add("Basic eDp5", "", "")
	f.Add("", "short", "")
	f.Add("APIKey", "k", "session=x")
	f.Add("", "", "session="+oldSess)
	f.Add("bearer \x00\xff", "", "session=\"\"")
	fx := newAuthFixture()
	f.Fuzz(func(t *testing.T, authz, key, cookie string) {
		rq := authReq("GET", "/v1/maybe", "")
		if authz != "" {
			rq.Header["Authorization"] = []string{authz}
		}
		if key != "" {
			rq.Header["X-Api-Key"] = []string{key}
		}
		if cookie != "" {
			rq.Header["Cookie"] = []string{cookie}
		}
		c, extractErr := fx.auth.Extract(rq)
		rec := authServe(fx.mux, errresp.Gcore, "fz", rq)
		if rec.Code == 200 {
			return
		}
		if rec.Code != 401 {
			t.Fatalf("status %d for %q %q %q: %s", rec.Code, authz, key, cookie, rec.Body)
		}
		d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
		if d.Kind == errresp.Internal || d.Kind == errresp.Unknown || len(rec.Header().Values("WWW-Authenticate")) == 0 {
			t.Fatalf("answer %v %v", d.Kind, rec.Header())
		}
		if errresp.KindOf(extractErr) == errresp.CredentialMalformed && strings.HasPrefix(d.Message, "Bad permanent token: ") {
			p := strings.TrimSuffix(strings.TrimPrefix(d.Message, "Bad permanent token: "), "...")
			if len(p) > 6 || len(p) > len(c.Secret)/3 || !strings.HasPrefix(c.Secret, p) {
				t.Fatalf("echoed %q of secret %q", p, c.Secret)
			}
		}
	})
}

func BenchmarkAuthenticated(b *testing.B) {
	f := newAuthFixture()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	h := f.auth.Require(RequirePermission("vms:read")(ok))
	cases := []struct {
		name    string
		handler http.Handler
		header  []string
	}{
		{"baseline", ok, nil},
		{"X-API-Key", h, []string{"X-Api-Key", adminKey}},
		{"Bearer", h, []string{"Authorization", "Bearer " + adminKey}},
		{"cookie", h, []string{"Cookie", "session=" + liveSess}},
		{"refused", h, []string{"X-Api-Key", "nobody-key-0123456789"}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				rq := authReq("GET", "/v1/vms", "", bc.header...)
				w := &authBenchWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					bc.handler.ServeHTTP(w, rq)
				}
			})
		})
	}
}

// authBenchWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the middleware, not a recorder.
type authBenchWriter struct{ h http.Header }

func (w *authBenchWriter) Header() http.Header         { return w.h }
func (w *authBenchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *authBenchWriter) WriteHeader(int)             {}

func TestTOTP(t *testing.T) {
	t.Parallel()
	// RFC 6238 appendix B, SHA-1, with the last 6 of its 8 digits.
	rfc := TOTP{Secret: []byte("12345678901234567890")}
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, v := range vectors {
		t.Run(fmt.Sprint(v.unix), func(t *testing.T) {
			t.Parallel()
			at := time.Unix(v.unix, 0)
			rfc := rfc
			rfc.Used = new(UsedCodes) // each vector is its own sign-in
			if got := rfc.Code(at); got != v.code {
				t.Errorf("Code = %s, want %s", got, v.code)
			}
			if err := rfc.Check(v.code, at); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
	at := time.Unix(1111111109, 0) // step 37037036
	cases := []struct {
		name string
		totp TOTP
		code string
		kind errresp.Kind
	}{
		{"step before, default skew", rfc, rfc.Code(at.Add(-30 * time.Second)), errresp.Unknown},
		{"step after, default skew", rfc, rfc.Code(at.Add(30 * time.Second)), errresp.Unknown},
		{"two steps before", rfc, rfc.Code(at.Add(-60 * time.Second)), errresp.InvalidOTP},
		{"two steps before, skew 2", TOTP{Secret: rfc.Secret, Skew: 2}, rfc.Code(at.Add(-60 * time.Second)), errresp.Unknown},
		{"step before, no skew", TOTP{Secret: rfc.Secret, Skew: -1}, rfc.Code(at.Add(-30 * time.Second)), errresp.InvalidOTP},
		{"wrong digit", rfc, "081805", errresp.InvalidOTP},
		{"too short", rfc, "08180", errresp.InvalidOTP},
		{"too long", rfc, "0818040", errresp.InvalidOTP},
		{"empty", rfc, "", errresp.InvalidOTP},
		{"no secret", TOTP{}, TOTP{}.Code(at), errresp.InvalidOTP},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.totp.Used = new(UsedCodes)
			if got := errresp.KindOf(tc.totp.Check(tc.code, at)); got != tc.kind {
				t.Errorf("kind = %v, want %v", got, tc.kind)
			}
		})
	}
}
