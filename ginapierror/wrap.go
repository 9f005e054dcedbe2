package ginapierror

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Wrap turns the core's net/http middleware (func(http.Handler)
// http.Handler, with the options it was built with) into one
// gin.HandlerFunc; given several, the first is outermost, as in chi's
// r.Use. The rest of gin's chain (c.Next) runs as the middleware's next
// handler, with c.Request and c.Writer the ones the middleware handed down,
// so what the core's middleware sees and writes is what the handlers below
// see and write:
//
//	r.Use(ginapierror.Wrap(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.Gcore())))
//	v1.Use(ginapierror.Wrap(authn.Require, ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()))))
//
// When the middleware answers without calling its next handler (a 401, a
// 429), or a panic below was recovered, the rest of the chain is aborted.
// After the chain returns, c.Errors is answered (see the package doc) and a
// status set without a body is sent, so that the core's interception sees
// it. The middleware must hand its next handler the writer it was given or
// one that wraps it (with an Unwrap method, as http.ResponseController
// expects), and call it on the request's goroutine: middleware.Timeout, which
// runs the handler on a goroutine of its own, is not for gin's chain.
//
// Wrap panics when given no middleware or a nil one.
func Wrap(mws ...func(http.Handler) http.Handler) gin.HandlerFunc {
	if len(mws) == 0 {
		panic("apierror/gin: Wrap needs middleware")
	}
	var h http.Handler = http.HandlerFunc(serveNext)
	for i := len(mws) - 1; i >= 0; i-- {
		if mws[i] == nil {
			panic("apierror/gin: Wrap needs middleware, got nil")
		}
		h = mws[i](h)
	}
	return func(c *gin.Context) {
		f := newFrame(c)
		h.ServeHTTP((*base)(f), c.Request)
		c.Writer = f.parent
		if !f.returned {
			c.Abort() // refused before the chain, or a panic below was recovered
		}
	}
}

// serveNext runs the rest of gin's chain for the request the middleware
// hands down, with the writer it hands down.
func serveNext(w http.ResponseWriter, r *http.Request) {
	f := frameOf(w)
	if f == nil {
		panic("apierror/gin: the middleware did not hand its next handler the writer Wrap gave it")
	}
	c := f.c
	c.Request = r
	if w != http.ResponseWriter((*base)(f)) {
		// The middleware wrapped the writer (errresp.Begin's tracking
		// writer, the first time): gin's handlers write through it.
		f.w = w
		c.Writer = f
	}
	c.Next()
	answerErrors(c, w, r)
	if cw := c.Writer; !cw.Written() && cw.Status() != http.StatusOK {
		cw.WriteHeaderNow() // c.Status(404) and no body: the core's interception sees it now
	}
	f.returned = true
}

// frameOf finds the frame whose base writer w is or wraps.
func frameOf(w http.ResponseWriter) *frame {
	for range 32 {
		switch x := w.(type) {
		case *base:
			return (*frame)(x)
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return nil
		}
	}
	return nil
}
