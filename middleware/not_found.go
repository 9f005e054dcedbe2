package middleware

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
)

// Messages of the router failures.
const (
	notFoundMessage         = "No route matches the request's path."
	methodNotAllowedMessage = "The route does not allow the request's method."
)

// NotFound answers a request no route matches with a NotFound envelope in
// the request's style. Install it with chi's r.NotFound(middleware.NotFound),
// or anywhere an http.HandlerFunc is wanted.
func NotFound(w http.ResponseWriter, r *http.Request) {
	_, _ = errresp.Write(w, r, errresp.New(errresp.NotFound, notFoundMessage))
}

// notFoundMethods are the methods MethodNotAllowed asks a chi router about.
var notFoundMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace,
}

// MethodNotAllowed answers a request whose path a route matches but not its
// method, with a MethodNotAllowed envelope in the request's style and an
// Allow header listing the methods the route does allow, as RFC 9110 asks.
// Install it with chi's r.MethodNotAllowed(middleware.MethodNotAllowed); on a
// chi router it asks the router which methods match the path. Elsewhere the
// Allow header already set on the response (as gin and echo set it), if
// any, is kept and named in the message.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow := strings.Join(notFoundChiAllow(r), ", ")
	if allow == "" {
		allow = w.Header().Get("Allow")
	}
	_, _ = errresp.Write(w, r, notFoundMethodError(allow))
}

// notFoundMethodError is the MethodNotAllowed failure for a route that
// allows the methods in allow (an Allow header value; empty if unknown).
func notFoundMethodError(allow string) *errresp.Error {
	e := errresp.New(errresp.MethodNotAllowed, methodNotAllowedMessage)
	if allow != "" {
		e = e.WithHeader("Allow", allow)
		e.Message = "The route allows only " + allow + "."
	}
	return e
}

// notFoundChiAllow returns the methods the chi router serving r matches for
// its path, or nil outside chi.
func notFoundChiAllow(r *http.Request) []string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || rctx.Routes == nil {
		return nil
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	if path == "" {
		path = "/"
	}
	var allow []string
	for _, m := range notFoundMethods {
		if rctx.Routes.Match(chi.NewRouteContext(), m, path) {
			allow = append(allow, m)
		}
	}
	return allow
}

// ServeMux wraps an http.ServeMux so its own failures leave as envelopes in
// the request's style: a path no pattern matches gets NotFound, a path whose
// patterns do not allow the method gets MethodNotAllowed with the mux's
// Allow header. Everything else, redirects included, is served by the mux as
// usual; handlers' own responses are untouched. The wrapper asks the mux to
// match each request (mux.Handler) before serving it, so a matched request
// is matched twice: a few hundred nanoseconds at most.
func ServeMux(mux *http.ServeMux) http.Handler {
	if mux == nil {
		panic("apierror/middleware: ServeMux needs a mux")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// No pattern: the mux answers with its own 404 or 405 (or a
		// redirect). Catch the status and answer with an envelope instead.
		c := &notFoundCatcher{w: w, r: r, h: http.Header{}}
		h.ServeHTTP(c, r)
		if !c.wrote {
			c.WriteHeader(http.StatusOK)
		}
	})
}

// notFoundCatcher stands in for the response writer while a ServeMux's
// no-match handler runs, turning its 404 and 405 into envelopes.
type notFoundCatcher struct {
	w      http.ResponseWriter
	r      *http.Request
	h      http.Header
	wrote  bool
	caught bool
}

func (c *notFoundCatcher) Header() http.Header { return c.h }

func (c *notFoundCatcher) WriteHeader(code int) {
	if c.wrote {
		return
	}
	c.wrote = true
	switch code {
	case http.StatusNotFound:
		c.caught = true
		NotFound(c.w, c.r)
	case http.StatusMethodNotAllowed:
		c.caught = true
		_, _ = errresp.Write(c.w, c.r, notFoundMethodError(c.h.Get("Allow")))
	default:
		dst := c.w.Header()
		for k, v := range c.h {
			dst[k] = v
		}
		c.w.WriteHeader(code)
	}
}

func (c *notFoundCatcher) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	if c.caught {
		return len(b), nil
	}
	return c.w.Write(b)
}
