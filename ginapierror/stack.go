package ginapierror

import (
	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// Mount installs the core's stack on e, as the README's chi stack does:
// request ids, recovery and style s (with opts) on every request, and
// envelopes for gin's own 404 and 405 (with Allow; it turns
// HandleMethodNotAllowed on). Call it before adding routes: gin copies an
// engine's middleware into each route when the route is added. It is
//
//	e.HandleMethodNotAllowed = true
//	e.Use(Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s, opts...)))
//	e.NoRoute(NotFound)
//	e.NoMethod(MethodNotAllowed)
//
// written out when the request id or recovery need options of their own.
func Mount(e *gin.Engine, s *errresp.Style, opts ...middleware.StyleOption) {
	if e == nil {
		panic("apierror/gin: Mount needs an engine")
	}
	e.HandleMethodNotAllowed = true
	e.Use(Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s, opts...)))
	e.NoRoute(NotFound)
	e.NoMethod(MethodNotAllowed)
}

// NotFound answers a request no route matches with a NotFound envelope, as
// middleware.NotFound does on chi; install it with e.NoRoute(NotFound).
func NotFound(c *gin.Context) {
	middleware.NotFound(c.Writer, c.Request)
	c.Abort()
}

// MethodNotAllowed answers a request whose path a route matches but not its
// method with a MethodNotAllowed envelope naming the methods of the Allow
// header gin sets, as middleware.MethodNotAllowed does on chi; install it
// with e.NoMethod(MethodNotAllowed) and e.HandleMethodNotAllowed = true.
func MethodNotAllowed(c *gin.Context) {
	middleware.MethodNotAllowed(c.Writer, c.Request)
	c.Abort()
}
