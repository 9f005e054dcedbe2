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

// WithPrincipal returns a copy of r whose context carries p.
func WithPrincipal(r *http.Request, p *Principal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
}

// PrincipalFrom returns the principal the authentication middleware stored in
// ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
