package middleware

import (
	"context"
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// StyleOption configures Style.
type StyleOption func(*styleConfig)

type styleConfig struct {
	alternatives []*errresp.Style
	// off: StyleNoNegotiate; set: the Style has a negotiation setting of
	// its own (StyleNegotiate or StyleNoNegotiate) and ignores the one above.
	off, set bool
}

// negotiationKey is the context key of the alternatives a Style above set,
// which a Style below without a setting of its own keeps.
type negotiationKey struct{}

// StyleNoNegotiate turns off, below this Style, the negotiation a Style
// above set with StyleNegotiate: the route's style is used whatever the
// Accept header says.
func StyleNoNegotiate() StyleOption {
	return func(c *styleConfig) { c.off, c.set, c.alternatives = true, true, nil }
}

// StyleNegotiate lets a client's Accept header pick one of alternatives
// (errresp.Problem() when none are given) over the route's style. An
// alternative wins only when Accept gives its content type a strictly
// higher quality than the route's style's, with q-values and the most
// specific matching media range per RFC 9110: "application/problem+json"
// picks Problem on a GPCN route, while "*/*", a missing or malformed Accept,
// or "application/json, application/problem+json" keep the route's style.
func StyleNegotiate(alternatives ...*errresp.Style) StyleOption {
	if len(alternatives) == 0 {
		alternatives = []*errresp.Style{errresp.Problem()}
	}
	for _, s := range alternatives {
		if s == nil {
			panic("apierror/middleware: StyleNegotiate needs non-nil styles")
		}
	}
	return func(c *styleConfig) {
		c.off, c.set = false, true
		c.alternatives = append(c.alternatives, alternatives...)
	}
}

// Style makes s the style of every envelope written below it: mount it on a
// router for the whole service, or on a route group (chi's Group or Route)
// to override the router's style there, so /v1 may speak GPCN while /v2
// speaks Problem. The innermost Style wins. Negotiation (StyleNegotiate) set
// on a Style above carries into a Style below that sets none of its own, so
// Accept: application/problem+json still picks Problem in a /v1 group that
// speaks GPCN; StyleNoNegotiate turns it off there. It calls errresp.Begin
// when no middleware above it has, and costs no allocation when one has and
// no negotiation is set.
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
			alts := c.alternatives
			if !c.set {
				alts, _ = r.Context().Value(negotiationKey{}).([]*errresp.Style)
			}
			if c.set && len(alts) > 0 || c.off && r.Context().Value(negotiationKey{}) != nil {
				// Tell the Styles below: this setting holds there too.
				r = r.WithContext(context.WithValue(r.Context(), negotiationKey{}, alts))
			}
			r = errresp.WithStyle(r, pick(alts, s, r))
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}

// pick returns the style of s and alternatives that r's Accept header
// prefers, s by default.
func pick(alternatives []*errresp.Style, s *errresp.Style, r *http.Request) *errresp.Style {
	if len(alternatives) == 0 {
		return s
	}
	accept := r.Header["Accept"]
	if len(accept) == 0 {
		return s
	}
	best, bestQ := s, acceptQuality(accept, styleContentType(s))
	for _, alt := range alternatives {
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
