package humaapierror

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// Middleware turns the core's net/http middleware (func(http.Handler)
// http.Handler, with its options: the limiters, the Authenticator's
// Require, Optional and Throttle) into a huma middleware, for
// huma.Group.UseMiddleware or an operation's Middlewares; given several,
// the first is outermost. unwrap is the adapter's, such as humachi.Unwrap:
// it gives the request and writer of a huma.Context. The rest of huma's
// chain runs with the context the middleware handed down (the caller's
// principal, for one); when the middleware answers itself (a 401, a 429),
// it does not run. The core's stack (RequestID, Recoverer, Style) belongs on
// the router the API is mounted on, so that the router's own 404 and 405
// have it too.
func Middleware(unwrap func(huma.Context) (*http.Request, http.ResponseWriter), mws ...func(http.Handler) http.Handler) func(huma.Context, func(huma.Context)) {
	if unwrap == nil || len(mws) == 0 {
		panic("apierror/huma: Middleware needs an unwrap function and middleware")
	}
	var h http.Handler = http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(chainKey{}).(*chain); ok {
			c.next(huma.WithContext(c.ctx, r.Context()))
		}
	})
	for i := len(mws) - 1; i >= 0; i-- {
		if mws[i] == nil {
			panic("apierror/huma: Middleware needs middleware, got nil")
		}
		h = mws[i](h)
	}
	return func(ctx huma.Context, next func(huma.Context)) {
		r, w := unwrap(ctx)
		c := &chain{ctx: ctx, next: next}
		h.ServeHTTP(w, r.WithContext(context.WithValue(ctx.Context(), chainKey{}, c)))
	}
}

// chain is the rest of huma's chain for one request, carried to the end of
// the net/http middleware in the request's context.
type chain struct {
	ctx  huma.Context
	next func(huma.Context)
}

type chainKey struct{}
