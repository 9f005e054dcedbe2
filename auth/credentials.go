package auth

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
)

// CredentialSource is where a request carried its credential. An
// Authenticator accepts the sources given to WithSources; the values combine
// as a bit set.
type CredentialSource uint8

// The credential sources.
const (
	// FromAPIKeyHeader is the X-API-Key request header.
	FromAPIKeyHeader CredentialSource = 1 << iota
	// FromBearer is "Authorization: Bearer <token>" (RFC 6750).
	FromBearer
	// FromAPIKeyScheme is "Authorization: APIKey <key>".
	FromAPIKeyScheme
	// FromCookie is the session cookie (named by WithCookie, "session" by default).
	FromCookie
)

// String returns a short name of the source for log lines: "x-api-key",
// "bearer", "apikey", "cookie", or "none".
func (s CredentialSource) String() string {
	switch s {
	case FromAPIKeyHeader:
		return "x-api-key"
	case FromBearer:
		return "bearer"
	case FromAPIKeyScheme:
		return "apikey"
	case FromCookie:
		return "cookie"
	case 0:
		return "none"
	}
	return "mixed"
}

// Credential is what an Authenticator found in a request and hands to the
// Verifier. Its String, GoString and LogValue never show the secret, so a
// Credential may be logged or printed by mistake without leaking it.
type Credential struct {
	// Source is where the credential came from.
	Source CredentialSource
	// Secret is the API key, token or session id, exactly as sent.
	Secret string
}

// String describes the credential without its secret.
func (c Credential) String() string { return c.Source.String() + " credential (redacted)" }

// GoString is String, so that %#v does not print the secret either.
func (c Credential) GoString() string { return c.String() }

// LogValue implements slog.LogValuer: the source only, never the secret.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.Source.String()) }

// Verifier turns a credential into the caller it belongs to. It is the one
// piece a service writes; the Authenticator does everything around it.
//
// Verify returns the principal, or an error that says why not. Return the
// *errresp.Error of the failure (NewKeyInvalid, NewKeyExpired,
// NewSessionExpired, NewKeyMalformed, or any other kind) so the client is told
// the right reason; any other error (a database down) is answered as Internal
// and logged with its cause. A nil principal with a nil error is answered as
// NewKeyInvalid (NewSessionExpired for a cookie). A Verifier must be safe for
// concurrent use.
type Verifier interface {
	Verify(ctx context.Context, c Credential) (*principal.Principal, error)
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(ctx context.Context, c Credential) (*principal.Principal, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, c Credential) (*principal.Principal, error) {
	return f(ctx, c)
}

// Extract returns the one credential r carries in the sources a accepts, or
// the *errresp.Error saying why there is none usable: NotAuthenticated,
// WrongAuthScheme or CredentialMalformed; the Credential then tells which
// source was tried. It does not call the Verifier. A
// header credential (Authorization or X-API-Key) takes precedence over the
// cookie; sending both headers, or either twice, is malformed.
func (a *Authenticator) Extract(r *http.Request) (Credential, error) {
	c, e := a.extract(r)
	if e != nil {
		return c, e
	}
	return c, nil
}

func (a *Authenticator) extract(r *http.Request) (Credential, *errresp.Error) {
	authz := r.Header["Authorization"]
	keys := r.Header["X-Api-Key"]
	var c Credential
	switch {
	case len(authz)+len(keys) > 1:
		return Credential{Source: FromBearer | FromAPIKeyHeader}, errresp.New(errresp.CredentialMalformed,
			"Send one credential: a single Authorization or X-API-Key header.")
	case len(authz) == 1:
		v := strings.TrimSpace(authz[0])
		if v == "" {
			return Credential{}, NewNotAuthenticated()
		}
		scheme, token, _ := strings.Cut(v, " ")
		token = strings.TrimLeft(token, " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			c.Source = FromBearer
		case strings.EqualFold(scheme, "APIKey"):
			c.Source = FromAPIKeyScheme
		}
		if c.Source == 0 || a.sources&c.Source == 0 {
			return Credential{}, a.errWrongScheme()
		}
		c.Secret = token
	case len(keys) == 1:
		c = Credential{Source: FromAPIKeyHeader, Secret: strings.TrimSpace(keys[0])}
		if a.sources&FromAPIKeyHeader == 0 {
			return c, a.errWrongScheme()
		}
	case a.sources&FromCookie != 0:
		v, ok := cookieValue(r.Header["Cookie"], a.cookie)
		if !ok {
			return Credential{}, NewNotAuthenticated()
		}
		c = Credential{Source: FromCookie, Secret: v}
	default:
		return Credential{}, NewNotAuthenticated()
	}
	if c.Secret == "" {
		return c, NewNotAuthenticated()
	}
	if len(c.Secret) > a.maxLen || !isPrintable(c.Secret) || (a.wellForm != nil && !a.wellForm(c)) {
		return c, NewKeyMalformed(c.Secret)
	}
	return c, nil
}

// cookieValue returns the value of the first cookie called name in the Cookie
// header lines (RFC 6265 §4.2.1: "name=value" pairs separated by ";"), with
// the optional double quotes removed. Unlike http.Request.Cookie it does not
// allocate; the value's bytes are checked by the caller.
func cookieValue(lines []string, name string) (string, bool) {
	for _, line := range lines {
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || k != name {
				continue
			}
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// isPrintable reports whether s is all visible ASCII (no spaces, controls
// or bytes above 0x7e), which every key, token and cookie value is.
func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
