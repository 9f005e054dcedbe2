package middleware

import (
	"context"
	"net/http"
	"slices"
)

// Principal is the authenticated caller, as the service's verifier describes
// it. The library reads ID (for logs and rate-limit keys), Tenant,
// Permissions and Scopes; Attrs is the service's own.
type Principal struct {
	// ID identifies the caller on log lines and in rate-limit keys. It must
	// not be the credential itself.
	ID string
	// Tenant is the account or project the caller belongs to, if any.
	Tenant string
	// Permissions are what RequirePermission checks.
	Permissions []string
	// Scopes are what RequireScope checks (OAuth-style tokens).
	Scopes []string
	// Attrs holds whatever else the service wants to carry.
	Attrs map[string]any
}

// Has reports whether p holds the permission.
func (p *Principal) Has(permission string) bool {
	return p != nil && slices.Contains(p.Permissions, permission)
}

// HasScope reports whether p was granted the scope.
func (p *Principal) HasScope(scope string) bool {
	return p != nil && slices.Contains(p.Scopes, scope)
}

type principalKey struct{}

// authContext carries the principal (nil for an anonymous request that went
// through Authenticator.Optional), the Authenticator that admitted the
// request and the credential's source, in one allocation. It answers
// principalKey itself and forwards every other key to its parent.
type authContext struct {
	context.Context
	principal *Principal
	auth      *Authenticator
	source    CredentialSource
}

// Value implements context.Context.
func (c *authContext) Value(key any) any {
	if key == (principalKey{}) {
		return c
	}
	return c.Context.Value(key)
}

func authContextFrom(ctx context.Context) *authContext {
	c, _ := ctx.Value(principalKey{}).(*authContext)
	return c
}

// WithPrincipal returns a copy of r whose context carries p, as if an
// Authenticator had admitted it (for tests and for services that
// authenticate by their own means).
func WithPrincipal(r *http.Request, p *Principal) *http.Request {
	var a *Authenticator
	if c := authContextFrom(r.Context()); c != nil {
		a = c.auth
	}
	return r.WithContext(&authContext{Context: r.Context(), principal: p, auth: a})
}

// PrincipalFrom returns the principal the authentication middleware stored in
// ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	if c := authContextFrom(ctx); c != nil {
		return c.principal
	}
	return nil
}
