package auth_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
)

func TestFailuresInEveryStyle(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	wrongScheme := f.auth.WrongScheme()

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
			auth.NewNotAuthenticated(), unauth("not_authenticated", "NOT_AUTHENTICATED", "not_authenticated", "authentication_required"),
			challengePlain, "Authentication credentials were not provided."},
		{"basic is the wrong scheme", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Basic ZGVtbzpkZW1v") },
			wrongScheme, unauth("wrong_auth_scheme", "UNSUPPORTED_AUTH_SCHEME", "token_not_valid", "unsupported_token_type"),
			challengePlain, ""},
		{"bearer token cut short", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer admin-key-01") },
			auth.NewKeyMalformed("admin-key-01"), unauth("credential_malformed", "API_KEY_MALFORMED", "token_not_valid", "invalid_token"),
			challengeBad, "Bad permanent token: admi..."},
		{"unknown key in X-API-Key", func() *http.Request { return authReq("GET", "/v1/vms", "", "X-API-Key", "nobody-key-0123456789") },
			auth.NewKeyInvalid(), unauth("credential_invalid", "API_KEY_INVALID", "token_not_valid", "unauthorized_client"),
			challengePlain, ""},
		{"revoked key as bearer", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer "+revokedKey) },
			auth.NewKeyInvalid(), unauth("credential_invalid", "API_KEY_INVALID", "token_not_valid", "unauthorized_client"),
			challengeBad, ""},
		{"expired key in APIKey scheme", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "APIKey "+expiredKey) },
			auth.NewKeyExpired(), unauth("credential_expired", "API_KEY_EXPIRED", "token_not_valid", "expired_token"),
			challengePlain, ""},
		{"expired key as bearer", func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "bearer "+expiredKey) },
			auth.NewKeyExpired(), unauth("credential_expired", "API_KEY_EXPIRED", "token_not_valid", "expired_token"),
			challengeBad, ""},
		{"expired session", func() *http.Request { return authReq("GET", "/v1/vms", "", "Cookie", "session="+oldSess) },
			auth.NewSessionExpired(), unauth("session_expired", "SESSION_EXPIRED", "session_expired", "session_expired"),
			challengePlain, ""},
		{"wrong password", func() *http.Request {
			return authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"battery-staple"}`)
		},
			signin.NewInvalidCredentials(), unauth("invalid_credentials", "INVALID_CREDENTIALS", "authentication_failed", "invalid_credentials"),
			challengePlain, ""},
		{"two factor required", func() *http.Request {
			return authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
		},
			signin.NewTwoFactorRequired(true), authCodes(400, "two_factor_required", "TWO_FACTOR_REQUIRED", "TWOFACTOR-400", "TwoFactorRequired", "two_factor_required"),
			nil, ""},
		{"wrong one-time code", func() *http.Request {
			return authReq("POST", "/auth/two-factor/verify-totp", `{"code":"654321"}`, "Cookie", "pending_2fa="+pendingTok)
		},
			auth.NewInvalidOTP(), authCodes(400, "invalid_otp", "INVALID_OTP", "OTP-400", "InvalidOTPError", "invalid_otp"),
			nil, ""},
		{"reader deleting", func() *http.Request { return authReq("DELETE", "/v1/vms", "", "X-API-Key", readerKey) },
			auth.NewPermissionDenied("vms:write"), authCodes(403, "permission_denied", "INSUFFICIENT_PERMISSIONS", "AUTH-403", "permission_denied", "access_denied"),
			nil, ""},
		{"scope missing, bearer", func() *http.Request { return authReq("GET", "/v1/scoped", "", "Authorization", "Bearer "+adminKey) },
			auth.NewInsufficientScope("vms:write"), authCodes(403, "insufficient_scope", "INSUFFICIENT_SCOPE", "AUTH-403", "permission_denied", "insufficient_scope"),
			[]string{`Bearer realm="api", error="insufficient_scope", scope="vms:write"`}, ""},
		{"scope missing, X-API-Key", func() *http.Request { return authReq("GET", "/v1/scoped", "", "X-API-Key", adminKey) },
			auth.NewInsufficientScope("vms:write"), authCodes(403, "insufficient_scope", "INSUFFICIENT_SCOPE", "AUTH-403", "permission_denied", "insufficient_scope"),
			nil, ""},
		{"resource in another tenant", func() *http.Request { return authReq("GET", "/v1/other-tenant", "", "X-API-Key", adminKey) },
			auth.NewResourceNotFound(), authCodes(404, "not_found", "NOT_FOUND", "NOTFOUND-404", "NotFoundError", "not_found"),
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
				// for the kind, else the library's sentence for it.
				wantMsg := tc.err.Message
				if wantMsg == "" {
					wantMsg = s.Messages[tc.err.Kind]
				}
				if wantMsg == "" {
					wantMsg = librarySentence[tc.err.Kind]
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
				if tc.err.Kind == errresp.WrongAuthScheme {
					// The sources the Authenticator accepts, in every style.
					if want := wrongScheme.Info["accepted"]; want == "" || d.Info["accepted"] != want {
						t.Errorf("info accepted = %v, want %v", d.Info["accepted"], want)
					}
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

// TestPageMessagesVerbatim: every message text a provider's page gives for a
// failure (Gcore's authentication table, "the message text identifies the
// specific cause") is what that style writes, verbatim, through the real
// Authenticator; every other style writes the middleware's own sentence
// with its own code; and a service's own message wins in every style.
func TestPageMessagesVerbatim(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	rows := []struct {
		page    string // the page's Message column, {partial_key} filled in
		cause   string // the page's Cause column
		req     func() *http.Request
		kind    errresp.Kind
		library string // the middleware's sentence, in the other styles
	}{
		{"Authentication credentials were not provided.", "No Authorization header",
			func() *http.Request { return authReq("GET", "/v1/vms", "") },
			errresp.NotAuthenticated, "Authentication credentials were not provided."},
		{"Bad permanent token: admi...", "Token truncated at $",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer admin-key-01") },
			errresp.CredentialMalformed, "Bad permanent token: admi..."},
		{"Token is invalid or expired", "Token deleted",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer "+revokedKey) },
			errresp.CredentialInvalid, "The API key or token doesn't exist or has been revoked."},
		{"Token is invalid or expired", "Token past expiry date",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "APIKey "+expiredKey) },
			errresp.CredentialExpired, "The API key or token has passed its expiration date."},
		{"Given token not valid for any token type", "Wrong auth scheme",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Basic ZGVtbzpkZW1v") },
			errresp.WrongAuthScheme, librarySentence[errresp.WrongAuthScheme]},
	}
	pages := map[*errresp.Style]bool{errresp.Gcore(): true}
	for _, row := range rows {
		for _, s := range []*errresp.Style{errresp.Problem(), errresp.GPCN(), errresp.DevDocs(), errresp.Gcore(), errresp.AuthPI()} {
			t.Run(row.cause+"/"+s.Name, func(t *testing.T) {
				t.Parallel()
				rec := authServe(f.mux, s, "req-1", row.req())
				got := errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
				want := row.library
				if pages[s] {
					want = row.page
				}
				if rec.Code != 401 || got.Kind != row.kind || got.Message != want {
					t.Errorf("%d %v %q, want 401 %v %q", rec.Code, got.Kind, got.Message, row.kind, want)
				}
				if got.Code != s.Code(row.kind).Code || got.Code == "" {
					t.Errorf("wire code %q, want %q", got.Code, s.Code(row.kind).Code)
				}
				// The service's own message wins over the page's.
				own := &errresp.Error{Kind: row.kind, Message: "Your key for region eu-1 was rotated."}
				body, _ := errresp.Render(s, own, "")
				if d := errresp.DecodeBody(401, s.ContentType, body); d.Message != own.Message {
					t.Errorf("own message lost: %q", d.Message)
				}
			})
		}
	}
	// The page's table, as the style carries it, word for word.
	for k, msg := range map[errresp.Kind]string{
		errresp.NotAuthenticated:  "Authentication credentials were not provided.",
		errresp.CredentialInvalid: "Token is invalid or expired",
		errresp.CredentialExpired: "Token is invalid or expired",
		errresp.WrongAuthScheme:   "Given token not valid for any token type",
	} {
		if got := errresp.Gcore().Messages[k]; got != msg {
			t.Errorf("Gcore.Messages[%v] = %q, want %q", k, got, msg)
		}
	}
}

// librarySentence is errresp's sentence for each authentication kind, what
// a style whose page gives no text of its own says.
var librarySentence = map[errresp.Kind]string{
	errresp.NotAuthenticated:  "Authentication credentials were not provided.",
	errresp.CredentialInvalid: "The API key or token doesn't exist or has been revoked.",
	errresp.CredentialExpired: "The API key or token has passed its expiration date.",
	errresp.SessionExpired:    "The session has expired. Sign in again.",
	errresp.WrongAuthScheme:   "The credential was sent in a way this API does not accept.",
}
