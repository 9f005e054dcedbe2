package auth

import (
	"log/slog"
	"net/http"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqlog"
	"github.com/apierror/apierror/middleware"
)

// WithCrossOrigin configures the cross-origin check the Authenticator makes
// on every request authenticated by its cookie (the options are those of
// CrossOrigin, such as middleware.CrossOriginTrust). The check is on by default: a
// cross-site browser request with an unsafe method and the session cookie is
// answered middleware.NewCrossOriginRefused (403) before the Verifier is asked. Requests
// authenticated by a header (API keys, Bearer tokens) are not checked: a
// browser does not attach those by itself.
func WithCrossOrigin(opts ...middleware.CrossOriginOption) Option {
	return func(c *authConfig) {
		p := http.NewCrossOriginProtection()
		for _, o := range opts {
			o(p)
		}
		c.crossOrigin = p
	}
}

// WithAllowCrossOrigin turns the Authenticator's cross-origin check off, for
// services whose cookie routes are protected by other means (CrossOrigin
// mounted in front, or tokens of their own).
func WithAllowCrossOrigin() Option {
	return func(c *authConfig) { c.crossOff = true }
}

// crossOriginRefused answers r with middleware.NewCrossOriginRefused and
// reports true when the Authenticator's cross-origin check refuses it, as
// middleware.CrossOrigin does, logging through the Authenticator's logger.
func (a *Authenticator) crossOriginRefused(w http.ResponseWriter, r *http.Request) bool {
	err := a.cross.Check(r)
	if err == nil {
		return false
	}
	reqlog.Log(a.logger, r, slog.LevelInfo, "cross-origin request refused", slog.String("reason", err.Error()),
		slog.String("origin", r.Header.Get("Origin")), slog.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
	_, _ = errresp.Write(w, r, middleware.NewCrossOriginRefused())
	return true
}
