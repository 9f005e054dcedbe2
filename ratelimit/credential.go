package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// CredentialOption configures ByCredential, ByAPIKey, ByHeader and ByCookie.
type CredentialOption func(*credConfig)

type credConfig struct {
	fallback KeyFunc
	cookie   string
	extract  func(*http.Request) (string, bool)
}

// CredentialFallback sets the key of a request that carries no credential (ByIP() by
// default). It must not return an empty key with a nil error for every such
// request unless one shared bucket for all of them is what is meant.
func CredentialFallback(k KeyFunc) CredentialOption {
	if k == nil {
		panic("apierror/ratelimit: Fallback: nil key func")
	}
	return func(c *credConfig) { c.fallback = k }
}

// CredentialCookie names the session cookie ByCredential reads ("session"
// by default, as the Authenticator's).
func CredentialCookie(name string) CredentialOption {
	if name == "" {
		panic("apierror/ratelimit: CredentialCookie: empty name")
	}
	return func(c *credConfig) { c.cookie = name }
}

// CredentialFunc makes ByCredential take the credential from fn, which
// returns the secret and whether the request carries one; with an
// Authenticator a:
//
//	ratelimit.CredentialFunc(func(r *http.Request) (string, bool) {
//		c, err := a.Extract(r)
//		return c.Secret, err == nil
//	})
func CredentialFunc(fn func(*http.Request) (string, bool)) CredentialOption {
	if fn == nil {
		panic("apierror/ratelimit: CredentialFunc: nil func")
	}
	return func(c *credConfig) { c.extract = fn }
}

func newCredConfig(opts []CredentialOption) *credConfig {
	c := &credConfig{cookie: "session"}
	for _, o := range opts {
		o(c)
	}
	if c.fallback == nil {
		c.fallback = ByIP()
	}
	return c
}

// key is the key of a request whose secret is v (ok false: none): a
// SHA-256 digest, so the secret itself never reaches a store, or the
// fallback's key.
func (c *credConfig) key(r *http.Request, prefix, v string, ok bool) (string, error) {
	if v = strings.TrimSpace(v); !ok || v == "" {
		return c.fallback(r)
	}
	sum := sha256.Sum256([]byte(v))
	return prefix + hex.EncodeToString(sum[:16]), nil
}

// ByCredential keys requests by the credential they carry, wherever they
// carry it: the Authorization header (whatever its scheme: the scheme is
// dropped), X-API-Key, or the session cookie (see CredentialCookie), in the
// Authenticator's order, or where CredentialFunc says. One secret is one key
// whichever header or cookie carries it, so a client gains nothing by
// moving its key from one to another. The key is a digest of the secret. A
// request without a credential is keyed by the CredentialFallback (ByIP by default),
// never put in a bucket shared by every such request.
//
// Mounted before the Authenticator it throttles each credential whether or
// not it is valid, which is what slows down guessing.
func ByCredential(opts ...CredentialOption) KeyFunc {
	c := newCredConfig(opts)
	return func(r *http.Request) (string, error) {
		if c.extract != nil {
			v, ok := c.extract(r)
			return c.key(r, "cred:", v, ok)
		}
		if v := r.Header.Get("Authorization"); v != "" {
			_, cred, _ := strings.Cut(strings.TrimSpace(v), " ")
			return c.key(r, "cred:", cred, true)
		}
		if v := r.Header.Get("X-Api-Key"); v != "" {
			return c.key(r, "cred:", v, true)
		}
		v, ok := cookieValue(r, c.cookie)
		return c.key(r, "cred:", v, ok)
	}
}

// ByAPIKey keys requests by the API key in the header (X-API-Key when header
// is empty). For the Authorization header the scheme ("Bearer", "APIKey",
// ...) is dropped and the credential kept. The key is a SHA-256 digest of
// the credential, so the secret itself never reaches a store. A request
// without the header (or with an empty one) is keyed by the Fallback, ByIP
// by default, so requests that send their key elsewhere, or none, never
// share one bucket; to count a client under whichever header it uses, use
// ByCredential.
func ByAPIKey(header string, opts ...CredentialOption) KeyFunc {
	if header == "" {
		header = "X-API-Key"
	}
	header = http.CanonicalHeaderKey(header)
	auth := header == "Authorization"
	c := newCredConfig(opts)
	return func(r *http.Request) (string, error) {
		v := r.Header.Get(header)
		if auth {
			if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
				v = cred
			}
		}
		return c.key(r, "key:", v, true)
	}
}

// ByHeader keys requests by the value of a request header, such as a tenant
// or session header, as a digest; a request without it is keyed by the
// CredentialFallback (ByIP by default).
func ByHeader(name string, opts ...CredentialOption) KeyFunc {
	if name == "" {
		panic("apierror/ratelimit: ByHeader: empty header name")
	}
	name = http.CanonicalHeaderKey(name)
	prefix := "h:" + name + ":"
	c := newCredConfig(opts)
	return func(r *http.Request) (string, error) {
		return c.key(r, prefix, r.Header.Get(name), true)
	}
}

// ByCookie keys requests by the value of a cookie, as a digest; a request
// without it is keyed by the CredentialFallback (ByIP by default).
func ByCookie(name string, opts ...CredentialOption) KeyFunc {
	if name == "" {
		panic("apierror/ratelimit: ByCookie: empty cookie name")
	}
	prefix := "c:" + name + ":"
	c := newCredConfig(opts)
	return func(r *http.Request) (string, error) {
		v, ok := cookieValue(r, name)
		return c.key(r, prefix, v, ok)
	}
}

// cookieValue is the value of r's first cookie called name.
func cookieValue(r *http.Request, name string) (string, bool) {
	ck, err := r.Cookie(name)
	if err != nil {
		return "", false
	}
	return ck.Value, true
}
