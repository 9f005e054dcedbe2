package bench

import (
	"context"
	"net/http"
)

// ctxValue is the least a middleware can do to hand the handler a value of
// its own for the request: one allocation holding a copy of the request and
// a context that carries one value, the copy itself (net/http's only way to
// give a request a new context is a copy of the request). Any middleware
// with per-request state that handlers reach from r.Context(), ours and
// chi's RequestID alike, pays at least this; the groups that list it show
// how far above it each of the others is.
func ctxValue(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &valueReq{}
		c.ctx.Context = r.Context()
		c.r = *r.WithContext(&c.ctx)
		next.ServeHTTP(w, &c.r)
	})
}

// valueReq is a request's copy and its context, in one allocation of 320
// bytes: the 304-byte http.Request and a 16-byte context, exactly a size
// class (one more word would round it up to 352).
type valueReq struct {
	ctx valueCtx
	r   http.Request
}

// valueCtx answers valueKey with the valueReq it starts, and every other key
// from its parent.
type valueCtx struct{ context.Context }

type valueKey struct{}

// Value implements context.Context.
func (c *valueCtx) Value(key any) any {
	if key == (valueKey{}) {
		return c
	}
	return c.Context.Value(key)
}
