package auth

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqlog"
	"github.com/apierror/apierror/principal"
)

// permFallback answers requests that reach RequirePermission or RequireScope
// without having been through an Authenticator: its challenges are those of
// the default sources.
var permFallback = New(VerifierFunc(func(context.Context, Credential) (*principal.Principal, error) {
	return nil, NewKeyInvalid()
}))

// RequirePermission returns middleware that lets through only requests whose
// Principal holds every one of permissions (Principal.Has). Mount it inside
// an Authenticator.
//
// An authenticated caller without a permission is answered 403,
// PermissionDenied (INSUFFICIENT_PERMISSIONS, AUTH-403, access_denied,
// permission_denied, by style), naming the first permission missing in the
// message and in Info["permission"]. A request without a principal (one that
// went through Authenticator.Optional anonymously) is answered 401,
// NotAuthenticated, with the Authenticator's challenges.
//
// The answer says nothing about the resource asked for: whether a resource
// exists in another tenant is not for this caller to learn, which is why
// handlers answer such resources with CheckTenant's 404 rather than a 403.
//
// It panics when no permission, or an empty one, is given.
func RequirePermission(permissions ...string) func(http.Handler) http.Handler {
	permCheckNames("RequirePermission", permissions, false)
	return permMiddleware(func(w http.ResponseWriter, r *http.Request, c *authContext) bool {
		for _, p := range permissions {
			if !c.principal.Has(p) {
				permDeny(w, r, c, NewPermissionDenied(p), "permission", p)
				return false
			}
		}
		return true
	})
}

// RequireScope returns middleware that lets through only requests whose
// Principal was granted every one of scopes (Principal.HasScope), for
// OAuth-style tokens. A caller without one is answered 403, InsufficientScope
// (INSUFFICIENT_SCOPE, AUTH-403, insufficient_scope, permission_denied, by
// style), naming the scope in the message and in Info["scope"]; when the
// token came as "Authorization: Bearer" the answer also carries the RFC 6750
// challenge: WWW-Authenticate: Bearer realm="api", error="insufficient_scope",
// scope="<every scope the route requires>". Without a principal it answers
// like RequirePermission.
//
// It panics when no scope is given, or one is not an RFC 6749 scope token
// (printable ASCII without spaces, quotes or backslashes).
func RequireScope(scopes ...string) func(http.Handler) http.Handler {
	permCheckNames("RequireScope", scopes, true)
	param := `, error="insufficient_scope", scope="` + strings.Join(scopes, " ") + `"`
	return permMiddleware(func(w http.ResponseWriter, r *http.Request, c *authContext) bool {
		for _, s := range scopes {
			if !c.principal.HasScope(s) {
				e := NewInsufficientScope(s)
				if c.source == FromBearer && c.auth != nil && c.auth.bearer != "" {
					e.WithHeader("WWW-Authenticate", c.auth.bearer+param)
				}
				permDeny(w, r, c, e, "scope", s)
				return false
			}
		}
		return true
	})
}

func permCheckNames(fn string, names []string, scope bool) {
	if len(names) == 0 {
		panic("apierror/auth: " + fn + " needs at least one name")
	}
	for _, n := range names {
		if n == "" || scope && (!isPrintable(n) || strings.ContainsAny(n, `"\`)) {
			panic("apierror/auth: " + fn + ": invalid name " + `"` + n + `"`)
		}
	}
}

// permMiddleware runs allow for requests that carry a principal, and answers
// the others NotAuthenticated.
func permMiddleware(allow func(http.ResponseWriter, *http.Request, *authContext) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("apierror/auth: permission middleware needs a next handler")
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := authContextFrom(r.Context())
			if c == nil || c.principal == nil {
				a := permFallback
				if c != nil && c.auth != nil {
					a = c.auth
				}
				a.fail(w, r, NewNotAuthenticated(), 0, nil)
				return
			}
			if allow(w, r, c) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

func permDeny(w http.ResponseWriter, r *http.Request, c *authContext, e *errresp.Error, key, name string) {
	var l *slog.Logger
	if c.auth != nil {
		l = c.auth.logger
	}
	reqlog.Log(l, r, slog.LevelInfo, "permission denied", slog.String("kind", e.Kind.String()), slog.String(key, name))
	_, _ = errresp.Write(w, r, e)
}

// CheckTenant returns nil when the request's principal belongs to tenant,
// the owner of the resource about to be served, and NewResourceNotFound
// otherwise (also when there is no principal).
//
// A resource in another tenant is answered 404, not 403, as the Gcore
// reference does ("does not exist, or exists in a different project"): a 403
// would confirm that the identifier exists, which is itself information about
// another tenant. A principal without a tenant matches only resources without
// one.
func CheckTenant(ctx context.Context, tenant string) error {
	if p := principal.FromContext(ctx); p != nil && p.Tenant == tenant {
		return nil
	}
	return NewResourceNotFound()
}
