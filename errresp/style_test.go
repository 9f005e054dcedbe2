package errresp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"
)

// The codes and statuses each seed page names, verbatim.
func TestSeedCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		style  *Style
		kind   Kind
		code   string
		status int
	}{
		{GPCN(), InvalidCredentials, "INVALID_CREDENTIALS", 401},
		{GPCN(), TwoFactorRequired, "TWO_FACTOR_REQUIRED", 400},
		{GPCN(), InvalidOTP, "INVALID_OTP", 400},
		{GPCN(), SessionExpired, "SESSION_EXPIRED", 401},
		{GPCN(), NotAuthenticated, "NOT_AUTHENTICATED", 401},
		{GPCN(), PermissionDenied, "INSUFFICIENT_PERMISSIONS", 403},
		{GPCN(), CredentialInvalid, "API_KEY_INVALID", 401},
		{GPCN(), CredentialExpired, "API_KEY_EXPIRED", 401},
		{GPCN(), RateLimited, "RATE_LIMIT_EXCEEDED", 429},
		{GPCN(), InvalidRequest, "INVALID_REQUEST", 400},
		{GPCN(), Internal, "SERVER_ERROR", 500},
		{DevDocs(), NotAuthenticated, "AUTH-401", 401},
		{DevDocs(), InvalidCredentials, "AUTH-401", 401},
		{DevDocs(), SessionExpired, "AUTH-401", 401},
		{DevDocs(), PermissionDenied, "AUTH-403", 403},
		{DevDocs(), NotFound, "NOTFOUND-404", 404},
		{DevDocs(), Internal, "SERVER-500", 500},
		{DevDocs(), InvalidRequest, "BADREQUEST-400", 400},
		{DevDocs(), Conflict, "CONFLICT-409", 409},
		{DevDocs(), RateLimited, "TOOLIMITED-429", 429},
		{Gcore(), InvalidRequest, "ValidationError", 400},
		{Gcore(), NotFound, "NotFoundError", 404},
		{Gcore(), QuotaExceeded, "QuotaLimitExceed", 403},
		{Gcore(), CapacityUnavailable, "ForbiddenError", 403},
		{Gcore(), MethodNotAllowed, "HTTPError", 405},
		{Gcore(), Conflict, "ConflictError", 409},
		{Gcore(), NotAuthenticated, "not_authenticated", 401},
		{Gcore(), CredentialInvalid, "token_not_valid", 401},
		{Gcore(), WrongAuthScheme, "token_not_valid", 401},
		{Gcore(), RateLimited, "RateLimitExceeded", 429},
		{Gcore(), Internal, "InternalServerError", 500},
		{AuthPI(), InvalidRequest, "invalid_request", 400},
		{AuthPI(), UnsupportedMediaType, "invalid_content_type", 415},
		{AuthPI(), PermissionDenied, "access_denied", 403},
		{AuthPI(), InsufficientScope, "insufficient_scope", 403},
		{AuthPI(), SessionExpired, "session_expired", 401},
		{AuthPI(), CredentialInvalid, "unauthorized_client", 401},
		{AuthPI(), NotFound, "not_found", 404},
		{AuthPI(), Conflict, "conflict", 409},
		{AuthPI(), PreconditionFailed, "precondition_failed", 412},
		{AuthPI(), RateLimited, "usage_limit_exceeded", 429},
		{AuthPI(), Internal, "server_error", 500},
	}
	for _, tt := range tests {
		c := tt.style.Code(tt.kind)
		if c.Code != tt.code || c.Status != tt.status {
			t.Errorf("%s %s = %s %d, want %s %d", tt.style.Name, tt.kind, c.Code, c.Status, tt.code, tt.status)
		}
	}
	// Gcore's page gives the authentication messages that identify each cause.
	for k, msg := range map[Kind]string{
		NotAuthenticated:    "Authentication credentials were not provided.",
		CredentialMalformed: "Bad permanent token",
		CredentialInvalid:   "Token is invalid or expired",
		WrongAuthScheme:     "Given token not valid for any token type",
	} {
		if got := Gcore().Code(k).Title; got != msg {
			t.Errorf("gcore %s message = %q, want %q", k, got, msg)
		}
	}
}

func TestRegister(t *testing.T) {
	s := &Style{Name: "test-only", Encode: func(o *Object, env *Envelope) { o.String("oops", env.Code) }}
	Register(s)
	defer func() {
		registryMu.Lock()
		delete(registry, s.Name)
		order = order[:len(order)-1]
		registryMu.Unlock()
	}()
	got, ok := StyleNamed("test-only")
	if !ok || got != s {
		t.Fatal("StyleNamed")
	}
	Register(s) // again: replaces, does not duplicate
	n := 0
	for _, st := range Styles() {
		if st.Name == "test-only" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("style listed %d times", n)
	}
	body, status := Render(s, New(NotFound, ""), "")
	if status != 404 || string(body) != "{\"oops\":\"not_found\"}\n" {
		t.Errorf("defaulted codes: %d %s", status, body)
	}
	if s.Schema()["properties"].(map[string]any)["oops"] == nil {
		t.Error("schema of a custom style lacks its member")
	}
}

// TestBuiltinStyles checks that each built-in style's function returns the
// one registered style of that name, and that the style files build the
// styles and the registry without init functions.
func TestBuiltinStyles(t *testing.T) {
	t.Parallel()
	for _, fn := range []func() *Style{Problem, GPCN, DevDocs, Gcore, AuthPI} {
		s := fn()
		if s != fn() {
			t.Errorf("%s: two calls give two styles", s.Name)
		}
		if r, ok := StyleNamed(s.Name); !ok || r != s {
			t.Errorf("%s: StyleNamed gives %p, %v; want the built-in style", s.Name, r, ok)
		}
		if s.Parse == nil || s.Encode == nil {
			t.Errorf("%s: no parser or encoder", s.Name)
		}
	}
	if Styles()[0] != Problem() || Default != Problem() {
		t.Errorf("the first style and the default are not Problem")
	}
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return strings.HasPrefix(fi.Name(), "style") && !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range pkgs {
		for name, f := range pkg.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
					t.Errorf("%s: an init function", name)
				}
			}
		}
	}
}
