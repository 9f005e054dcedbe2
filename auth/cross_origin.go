package auth

import (
	"github.com/apierror/apierror/internal/crossorigin"
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
	return func(c *authConfig) { c.crossOrigin = crossorigin.New(opts) }
}

// WithAllowCrossOrigin turns the Authenticator's cross-origin check off, for
// services whose cookie routes are protected by other means (CrossOrigin
// mounted in front, or tokens of their own).
func WithAllowCrossOrigin() Option {
	return func(c *authConfig) { c.crossOff = true }
}
