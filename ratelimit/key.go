package ratelimit

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/principal"
)

// KeyFunc names the client a request counts against. Any function of this
// shape is a key: a tenant header, a session, a query parameter. An empty
// key with a nil error puts the request in one bucket shared by every
// request without a key (use First to fall back to another key instead). A
// non-nil error is written as the response, through errresp.Write, and the
// request goes no further; return an *errresp.Error to choose its kind.
type KeyFunc func(r *http.Request) (string, error)

// ByPrincipal keys requests by the authenticated caller's ID
// (principal.FromContext); a request without a principal, or whose
// principal has no ID, has an empty key.
func ByPrincipal() KeyFunc {
	return func(r *http.Request) (string, error) {
		if p := principal.FromContext(r.Context()); p != nil && p.ID != "" {
			return "principal:" + p.ID, nil
		}
		return "", nil
	}
}

// ByTenant keys requests by the authenticated caller's Tenant, so that every
// caller of one account shares the account's limit; a request without a
// tenant has an empty key.
func ByTenant() KeyFunc {
	return func(r *http.Request) (string, error) {
		if p := principal.FromContext(r.Context()); p != nil && p.Tenant != "" {
			return "tenant:" + p.Tenant, nil
		}
		return "", nil
	}
}

// ByRoute keys requests by the route they matched: chi's route pattern when
// chi routed the request ("/users/{id}"), else http.ServeMux's pattern
// (Request.Pattern), else the path. Mounted with r.Use on a chi router the
// pattern is not known yet and the path is used, which gives one bucket per
// distinct path; mount it with r.With or inside the route instead.
func ByRoute() KeyFunc {
	return func(r *http.Request) (string, error) {
		return "route:" + routeOf(r), nil
	}
}

func routeOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	if r.URL != nil {
		return r.URL.Path
	}
	return ""
}

// Join keys requests by all of keys at once ("this API key on this route"):
// the key is empty when any part is, and the first error is returned. Parts
// are length-prefixed, so two different lists never join to one key.
func Join(keys ...KeyFunc) KeyFunc {
	if len(keys) == 0 {
		panic("apierror/ratelimit: Join: no keys")
	}
	return func(r *http.Request) (string, error) {
		var b strings.Builder
		for _, k := range keys {
			part, err := k(r)
			if err != nil || part == "" {
				return "", err
			}
			b.WriteString(strconv.Itoa(len(part)))
			b.WriteByte(':')
			b.WriteString(part)
		}
		return b.String(), nil
	}
}

// First keys requests by the first of keys that gives a non-empty key, such
// as First(ByPrincipal(), ByIP()) for "the caller if authenticated, else its
// address". It stops at the first error.
func First(keys ...KeyFunc) KeyFunc {
	if len(keys) == 0 {
		panic("apierror/ratelimit: First: no keys")
	}
	return func(r *http.Request) (string, error) {
		for _, k := range keys {
			if key, err := k(r); err != nil || key != "" {
				return key, err
			}
		}
		return "", nil
	}
}
