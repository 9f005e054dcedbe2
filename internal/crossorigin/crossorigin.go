// Package crossorigin is the cross-site request check that
// middleware.CrossOrigin and package auth's Authenticator share: how the
// check is built from its options, and how a refused request is logged and
// answered.
package crossorigin

import (
	"log/slog"
	"net/http"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqlog"
)

// New returns an http.CrossOriginProtection configured by opts
// (middleware.CrossOriginOption values).
func New[O ~func(*http.CrossOriginProtection)](opts []O) *http.CrossOriginProtection {
	p := http.NewCrossOriginProtection()
	for _, o := range opts {
		o(p)
	}
	return p
}

// Refused is the answer to a cross-origin request refused: a 403
// (PermissionDenied in the request's style).
func Refused() *errresp.Error {
	return errresp.New(errresp.PermissionDenied,
		"Cross-origin request refused: a browser sent it from another site.").With("reason", "cross_origin")
}

// Refuse answers r with Refused, logging why on l (nil: the request's logger),
// and reports true when p refuses it; it does nothing and reports false
// otherwise.
func Refuse(w http.ResponseWriter, r *http.Request, p *http.CrossOriginProtection, l *slog.Logger) bool {
	err := p.Check(r)
	if err == nil {
		return false
	}
	reqlog.Log(l, r, slog.LevelInfo, "cross-origin request refused", slog.String("reason", err.Error()),
		slog.String("origin", r.Header.Get("Origin")), slog.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
	_, _ = errresp.Write(w, r, Refused())
	return true
}
