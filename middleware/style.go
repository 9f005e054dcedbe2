package middleware

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// StyleOption configures Style.
type StyleOption func(*styleConfig)

type styleConfig struct {
	alternatives []*errresp.Style
}

// StyleNegotiate lets a client's Accept header pick one of alternatives
// (errresp.Problem when none are given) over the route's style. An
// alternative wins only when Accept gives its content type a strictly
// higher quality than the route's style's, with q-values and the most
// specific matching media range per RFC 9110: "application/problem+json"
// picks Problem on a GPCN route, while "*/*", a missing or malformed Accept,
// or "application/json, application/problem+json" keep the route's style.
func StyleNegotiate(alternatives ...*errresp.Style) StyleOption {
	if len(alternatives) == 0 {
		alternatives = []*errresp.Style{errresp.Problem}
	}
	for _, s := range alternatives {
		if s == nil {
			panic("apierror/middleware: StyleNegotiate needs non-nil styles")
		}
	}
	return func(c *styleConfig) { c.alternatives = append(c.alternatives, alternatives...) }
}

// Style makes s the style of every envelope written below it: mount it on a
// router for the whole service, or on a route group (chi's Group or Route)
// to override the router's style there, so /v1 may speak GPCN while /v2
// speaks Problem. The innermost Style wins. It calls errresp.Begin when no
// middleware above it has, and costs no allocation when one has.
func Style(s *errresp.Style, opts ...StyleOption) func(http.Handler) http.Handler {
	if s == nil {
		panic("apierror/middleware: Style needs a style")
	}
	var c styleConfig
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			r = errresp.WithStyle(r, c.pick(s, r))
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}

// pick returns the style r's Accept header prefers, s by default.
func (c *styleConfig) pick(s *errresp.Style, r *http.Request) *errresp.Style {
	if len(c.alternatives) == 0 {
		return s
	}
	accept := r.Header["Accept"]
	if len(accept) == 0 {
		return s
	}
	best, bestQ := s, acceptQuality(accept, styleContentType(s))
	for _, alt := range c.alternatives {
		if q := acceptQuality(accept, styleContentType(alt)); q > bestQ {
			best, bestQ = alt, q
		}
	}
	return best
}

func styleContentType(s *errresp.Style) string {
	if s.ContentType == "" {
		return "application/json"
	}
	return s.ContentType
}
