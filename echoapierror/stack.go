package echoapierror

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
// writer the middleware handed down (the writer wrapped in an
// echo.Response), and an error it returns goes on up to the
// HTTPErrorHandler. When the middleware answers itself (a 401, a 429) the
// rest of the chain does not run. Unlike echo.WrapMiddleware, the chain of
// middleware is built once, not on every request.
//
//	e.Use(echoapierror.Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.Gcore())))
//	v1.Use(echoapierror.Wrap(authn.Require, ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()))))
//
// The middleware must hand its next handler the writer it was given or one
// that wraps it (with an Unwrap method, as http.ResponseController
// expects), on the request's goroutine. Wrap panics when given no
// middleware or a nil one.
func Wrap(mws ...func(http.Handler) http.Handler) echo.MiddlewareFunc {
	if len(mws) == 0 {
		panic("apierror/echo: Wrap needs middleware")
	}
	var h http.Handler = http.HandlerFunc(serveNext)
	for i := len(mws) - 1; i >= 0; i-- {
		if mws[i] == nil {
			panic("apierror/echo: Wrap needs middleware, got nil")
		}
		h = mws[i](h)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			cw := &carrier{ResponseWriter: c.Response(), c: c, next: next}
			r := c.Request()
			if r.Pattern == "" {
				r.Pattern = c.Path() // the route, for key functions and logs, as echo.WrapMiddleware sets it
			}
			h.ServeHTTP(cw, r)
			return cw.err
		}
	}
}

// carrier is the writer Wrap hands the middleware: echo's response, with
// the context and the rest of the chain, which serveNext finds below
// whatever the middleware wrapped it in.
type carrier struct {
	http.ResponseWriter
	c    *echo.Context
	next echo.HandlerFunc
	err  error
}

// Unwrap returns echo's response, for http.ResponseController.
func (w *carrier) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serveNext runs the rest of echo's chain with the request and writer the
// middleware handed down.
func serveNext(w http.ResponseWriter, r *http.Request) {
	cw := carrierOf(w)
	if cw == nil {
		panic("apierror/echo: the middleware did not hand its next handler the writer Wrap gave it")
	}
	c := cw.c
	c.SetRequest(r)
	if w != http.ResponseWriter(cw) {
		c.SetResponse(echo.NewResponse(w, c.Logger())) // errresp.Begin's writer, the first time
	}
	cw.err = cw.next(c)
}

// carrierOf finds the carrier w is or wraps.
func carrierOf(w http.ResponseWriter) *carrier {
	for range 32 {
		switch x := w.(type) {
		case *carrier:
			return x
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return nil
		}
	}
	return nil
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
