package auth

import (
	"context"
	"net/http"

	"github.com/apierror/apierror/internal/principalkey"
	"github.com/apierror/apierror/principal"
)

// authKey finds the authContext of the Authenticator that admitted a
// request under a principal set later by principal.NewContext.
type authKey struct{}

// authContext carries the principal (nil for an anonymous request that went
// through Authenticator.Optional), the Authenticator that admitted the
// request and the credential's source, in one allocation. It answers
// principalkey.Key (so principal.FromContext finds it) and authKey itself,
// and forwards every other key to its parent.
type authContext struct {
	context.Context
	principal *principal.Principal
	auth      *Authenticator
	source    CredentialSource
}

// Value implements context.Context.
func (c *authContext) Value(key any) any {
	if key == (principalkey.Key{}) || key == (authKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// authReq is an authContext and the copy of the request it is the context
// of, in one allocation.
type authReq struct {
	c authContext
	r http.Request
}

// withAuth returns a copy of r whose context is c over r's context, the copy
// and c made in one allocation.
func withAuth(r *http.Request, c authContext) *http.Request {
	b := &authReq{c: c}
	b.c.Context = r.Context()
	// WithContext is inlined and its copy does not escape: only b is made.
	b.r = *r.WithContext(&b.c)
	return &b.r
}

// Principal returns the principal c carries, for principal.FromContext.
func (c *authContext) Principal() *principal.Principal { return c.principal }

// authContextFrom returns what an Authenticator stored in ctx, with the
// principal ctx carries now: when a principal was set after the
// Authenticator admitted the request (principal.NewContext), that principal,
// the Authenticator, and no credential source, as the principal was not
// authenticated by one. It returns nil when ctx carries neither.
func authContextFrom(ctx context.Context) *authContext {
	v := ctx.Value(principalkey.Key{})
	if c, ok := v.(*authContext); ok {
		return c
	}
	p := principal.FromContext(ctx)
	a, _ := ctx.Value(authKey{}).(*authContext)
	switch {
	case a != nil:
		return &authContext{Context: ctx, principal: p, auth: a.auth}
	case p != nil:
		return &authContext{Context: ctx, principal: p}
	}
	return nil
}
