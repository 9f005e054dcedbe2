package echo

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// Wrap turns the core's net/http middleware (func(http.Handler)
// http.Handler, with the options it was built with) into one
// echo.MiddlewareFunc; given several, the first is outermost. The rest of
// echo's chain runs as the middleware's next handler, with the request and
// writer the middleware handed down (echo.WrapMiddleware), and an error it
// returns goes on up to the HTTPErrorHandler. When the middleware answers
// itself (a 401, a 429) the rest of the chain does not run.
//
//	e.Use(apiecho.Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.Gcore)))
//	v1.Use(apiecho.Wrap(authn.Require, ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()))))
//
// Wrap panics when given no middleware or a nil one.
func Wrap(mws ...func(http.Handler) http.Handler) echo.MiddlewareFunc {
	if len(mws) == 0 {
		panic("apierror/echo: Wrap needs middleware")
	}
	for _, mw := range mws {
		if mw == nil {
			panic("apierror/echo: Wrap needs middleware, got nil")
		}
	}
	return echo.WrapMiddleware(func(next http.Handler) http.Handler {
		for i := len(mws) - 1; i >= 0; i-- {
			next = mws[i](next)
		}
		return next
	})
}

// Mount installs the core's stack on e, as the README's chi stack does:
// HTTPErrorHandler as e's error handler, and request ids, recovery and style
// s (with opts) before routing, so that the router's 404 and 405 have them
// too. It is
//
//	e.HTTPErrorHandler = HTTPErrorHandler
//	e.Pre(Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s, opts...)))
//
// written out when the request id or recovery need options of their own.
func Mount(e *echo.Echo, s *errresp.Style, opts ...middleware.StyleOption) {
	if e == nil {
		panic("apierror/echo: Mount needs an echo")
	}
	e.HTTPErrorHandler = HTTPErrorHandler
	e.Pre(Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s, opts...)))
}
