package auth_test

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

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
	"github.com/go-chi/chi/v5"
)

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
			rec := authServe(f.mux, errresp.Problem(), "id", tc.authReq)
			if rec.Code != tc.status || tc.body != "" && rec.Body.String() != tc.body {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body, tc.status, tc.body)
			}
		})
	}
}

func TestOptionalThenRequirePermission(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	rec := authServe(f.mux, errresp.GPCN(), "id", authReq("GET", "/v1/optional-guarded", ""))
	d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
	if rec.Code != 401 || d.Kind != errresp.NotAuthenticated || !slices.Equal(rec.Header().Values("WWW-Authenticate"), challengePlain) {
		t.Errorf("got %d %v %v", rec.Code, d.Kind, rec.Header().Values("WWW-Authenticate"))
	}
}

func TestFail(t *testing.T) {
	t.Parallel()
	a := auth.New(new(auth.KeyRing), authQuiet)
	shared := signin.NewInvalidCredentials()
	cases := []struct {
		name      string
		err       error
		status    int
		challenge int
	}{
		{"401 gets the challenges", shared, 401, 2},
		{"again, the error is not modified", shared, 401, 2},
		{"own challenge kept", signin.NewInvalidCredentials().WithHeader("WWW-Authenticate", `Custom realm="x"`), 401, 1},
		{"400 gets none", auth.NewInvalidOTP(), 400, 0},
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
	nothing := func(context.Context, auth.Credential) (*principal.Principal, error) { return nil, nil }
	key := []string{"X-API-Key", "k"}
	cases := []struct {
		name   string
		verify auth.VerifierFunc
		header []string
		status int
		kind   errresp.Kind
	}{
		{"nil principal, nil error", nothing, key, 401, errresp.CredentialInvalid},
		{"nil principal, nil error, cookie", nothing, []string{"Cookie", "sid=s"}, 401, errresp.SessionExpired},
		{"plain error", func(context.Context, auth.Credential) (*principal.Principal, error) {
			return nil, fmt.Errorf("db: %s", "down")
		}, key, 500, errresp.Internal},
		{"wrapped kind", func(context.Context, auth.Credential) (*principal.Principal, error) {
			return nil, fmt.Errorf("lookup: %w", auth.NewKeyExpired())
		}, key, 401, errresp.CredentialExpired},
		{"unavailable", func(context.Context, auth.Credential) (*principal.Principal, error) {
			return nil, errresp.New(errresp.Unavailable, "The key store is down.")
		}, key, 503, errresp.Unavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := auth.New(tc.verify, authQuiet, auth.WithCookie("sid")).Require(http.NotFoundHandler())
			rec := authServe(h, errresp.Problem(), "id", authReq("GET", "/", "", tc.header...))
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
	f := newAuthFixture(auth.WithLogger(l))
	for _, r := range []*http.Request{
		authReq("GET", "/v1/vms", "", "X-API-Key", "nobody-key-0123456789"),
		authReq("GET", "/v1/vms", "", "Authorization", "Bearer short-secret"),
		authReq("DELETE", "/v1/vms", "", "Authorization", "Bearer "+readerKey),
	} {
		authServe(f.mux, errresp.GPCN(), "req-log", r)
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

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	a := auth.New(new(auth.KeyRing), auth.WithCookie("sid"))
	c := a.SessionCookie("v", 90*time.Second)
	if c.Name != "sid" || c.Value != "v" || c.MaxAge != 90 || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie = %v", c)
	}
	if c := a.ClearSessionCookie(); c.MaxAge != -1 || c.Value != "" {
		t.Errorf("clear = %v", c)
	}
	dev := auth.New(new(auth.KeyRing), auth.WithInsecureCookies())
	if c := dev.SessionCookie("v", 0); c.Secure || c.MaxAge != 0 || c.Name != "session" {
		t.Errorf("insecure = %v", c)
	}
}

func TestConstructionPanics(t *testing.T) {
	t.Parallel()
	ring := new(auth.KeyRing)
	cases := []struct {
		name string
		fn   func()
	}{
		{"nil verifier", func() { auth.New(nil) }},
		{"no sources", func() { auth.New(ring, auth.WithSources()) }},
		{"unknown source", func() { auth.New(ring, auth.WithSources(1<<6)) }},
		{"realm with a quote", func() { auth.New(ring, auth.WithRealm(`a"b`)) }},
		{"empty realm", func() { auth.New(ring, auth.WithRealm("")) }},
		{"cookie name with a space", func() { auth.New(ring, auth.WithCookie("my cookie")) }},
		{"max length zero", func() { auth.New(ring, auth.WithMaxLength(0)) }},
		{"nil next", func() { auth.New(ring).Require(nil) }},
		{"empty key", func() { ring.AddKey("", admin, time.Time{}) }},
		{"nil principal", func() { ring.AddSession("x", nil, time.Time{}) }},
		{"no permission", func() { auth.RequirePermission() }},
		{"empty permission", func() { auth.RequirePermission("") }},
		{"scope with a space", func() { auth.RequireScope("a b") }},
		{"scope with a quote", func() { auth.RequireScope(`a"`) }},
		{"permission, nil next", func() { auth.RequirePermission("x")(nil) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "apierror/auth: ") {
					t.Errorf("panic = %v, want one prefixed apierror/auth: ", r)
				}
			}()
			tc.fn()
		})
	}
}

func TestChiRouter(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	r := chi.NewRouter()
	r.Use(f.auth.Require)
	r.With(auth.RequirePermission("vms:write")).Delete("/vms/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "deleted %s by %s", chi.URLParam(r, "id"), principal.FromContext(r.Context()).ID)
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
			rec := authServe(r, errresp.AuthPI(), "id", rq)
			if rec.Code != tc.status || tc.body != "" && rec.Body.String() != tc.body {
				t.Errorf("got %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// countingBody counts the bytes read from a request body.
type countingBody struct{ n *int }

func (b countingBody) Read(p []byte) (int, error) { *b.n += len(p); return len(p), nil }
func (b countingBody) Close() error               { return nil }

// The Authenticator answers a refused request before its body: it reads none
// of it (middleware's slow-body tests check that such an answer comes at once
// and closes the connection).
func TestRefusesWithoutReadingTheBody(t *testing.T) {
	t.Parallel()
	ring := new(auth.KeyRing)
	ring.AddKey(adminKey, admin, time.Time{})
	a := auth.New(ring, authQuiet, auth.WithSources(auth.FromAPIKeyHeader, auth.FromCookie))
	readBody := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = r.Body.Read(make([]byte, 10)) })
	cases := []struct {
		name   string
		header []string
		status int
	}{
		{"401 without a credential", nil, 401},
		{"401 with a wrong key", []string{"X-API-Key", "wrong-key-0123456789"}, 401},
		{"403 cross-origin", []string{"Cookie", "session=x", "Sec-Fetch-Site", "cross-site"}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n int
			r := authReq("POST", "/", "", tc.header...)
			r.Body = countingBody{&n}
			rec := authServe(a.Require(readBody), errresp.Problem(), "id", r)
			if rec.Code != tc.status || n != 0 {
				t.Errorf("status %d, %d body bytes read; want %d, none", rec.Code, n, tc.status)
			}
		})
	}
}
