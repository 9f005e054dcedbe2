// Package principalkey holds the context key under which the caller's
// principal is found. Package principal reads it; package auth's per-request
// value answers it itself, so that a request the Authenticator admitted
// carries its principal, its Authenticator and its credential's source in
// one context value rather than two.
//
// The value stored under Key has a method Principal() *principal.Principal.
package principalkey

// Key is the context key of the principal's carrier.
type Key struct{}
