// Package principal says who is calling: the Principal an authentication
// middleware (package auth, or a service's own) admitted, put into and read
// from a request's context.
//
// It sits below both middleware and ratelimit and imports nothing of the
// library but the context key it shares with auth (internal/principalkey),
// so that reading the caller (ratelimit.ByPrincipal, a log line)
// does not pull in authentication code.
package principal

import (
	"context"
	"net/http"
	"slices"

	"github.com/apierror/apierror/internal/principalkey"
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
	// Permissions are what auth.RequirePermission checks.
	Permissions []string
	// Scopes are what auth.RequireScope checks (OAuth-style tokens).
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

// carrier is what a context answers for principalkey.Key: this package's
// own value, or auth's per-request value.
type carrier interface{ Principal() *Principal }

// valueCtx carries a principal set by NewContext; it answers
// principalkey.Key itself and forwards every other key to its parent.
type valueCtx struct {
	context.Context
	p *Principal
}

// Value implements context.Context.
func (c *valueCtx) Value(key any) any {
	if key == (principalkey.Key{}) {
		return c
	}
	return c.Context.Value(key)
}

// Principal returns the principal c carries.
func (c *valueCtx) Principal() *Principal { return c.p }

// NewContext returns a copy of ctx that carries p, as if an authentication
// middleware had admitted the request (for tests and for services that
// authenticate by their own means). A nil p makes the request anonymous
// again. Every other value of ctx, and its cancellation, is kept.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return &valueCtx{Context: ctx, p: p}
}

// FromContext returns the principal ctx carries, or nil for an anonymous
// request.
func FromContext(ctx context.Context) *Principal {
	if c, ok := ctx.Value(principalkey.Key{}).(carrier); ok {
		return c.Principal()
	}
	return nil
}

// RequestWith returns a shallow copy of r whose context carries p:
// r.WithContext(NewContext(r.Context(), p)).
func RequestWith(r *http.Request, p *Principal) *http.Request {
	return r.WithContext(NewContext(r.Context(), p))
}
