package auth

import (
	"time"

	"github.com/apierror/apierror/errresp"
)

// The failures of request authentication. Each call returns a new
// *errresp.Error of its kind with no message of its own, so that every
// occurrence of a failure gives the same body: the style's message for the
// kind, which is the style's page text where it gives one (Gcore's "Token
// is invalid or expired") and errresp's sentence for the kind elsewhere
// (see errresp.Error). The sign-in failures (a wrong password, a second
// factor required) are in package auth/signin.

// NewNotAuthenticated returns the failure of a request that carries no credential.
func NewNotAuthenticated() *errresp.Error {
	return &errresp.Error{Kind: errresp.NotAuthenticated}
}

// NewKeyInvalid returns the failure of an API key or token that does not exist or was revoked
// (API_KEY_INVALID).
func NewKeyInvalid() *errresp.Error {
	return &errresp.Error{Kind: errresp.CredentialInvalid}
}

// NewKeyExpired returns the failure of an API key or token past its expiry
// (API_KEY_EXPIRED).
func NewKeyExpired() *errresp.Error {
	return &errresp.Error{Kind: errresp.CredentialExpired}
}

// NewSessionExpired returns the failure of a session cookie whose session has ended or is not
// known (SESSION_EXPIRED): sessions are forgotten once they end, so an unknown
// session is answered the same way, and the remedy is the same: sign in again.
func NewSessionExpired() *errresp.Error {
	return &errresp.Error{Kind: errresp.SessionExpired}
}

// NewKeyMalformed returns the failure of a credential that cannot be a real one, such as a key
// cut short at a "$" by the shell. In the Gcore reference's wording, it
// echoes at most a short prefix of what was sent ("Bad permanent token:
// abc..."): at most 6 bytes and a third of the secret, letters, digits, "-",
// "_" and "." only, so the secret itself never comes back.
func NewKeyMalformed(secret string) *errresp.Error {
	if p := safePrefix(secret); p != "" {
		return errresp.New(errresp.CredentialMalformed, "Bad permanent token: "+p+"...")
	}
	return errresp.New(errresp.CredentialMalformed, "Bad permanent token.")
}

func safePrefix(s string) string {
	n := min(len(s)/3, 6)
	for i := 0; i < n; i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return s[:i]
		}
	}
	return s[:n]
}

// NewInvalidOTP returns the failure of a one-time code that is wrong or
// expired (INVALID_OTP). It is here rather than in auth/signin, beside the
// other one-time-code failures, because KeyRing.WrongCode answers with it;
// signin.TOTP.Check does too.
func NewInvalidOTP() *errresp.Error {
	return errresp.New(errresp.InvalidOTP, "The 2FA code provided is incorrect or expired.")
}

// NewPermissionDenied returns the failure of an authenticated caller without permission
// (INSUFFICIENT_PERMISSIONS): the message and Info["permission"] name it.
func NewPermissionDenied(permission string) *errresp.Error {
	return errresp.New(errresp.PermissionDenied, `Missing permission "`+permission+`".`).With("permission", permission)
}

// NewInsufficientScope returns the failure of a token that was not granted scope
// (insufficient_scope): the message and Info["scope"] name it.
func NewInsufficientScope(scope string) *errresp.Error {
	return errresp.New(errresp.InsufficientScope, `The token lacks the scope "`+scope+`".`).With("scope", scope)
}

// NewResourceNotFound returns the answer for a resource that does not exist, or
// that exists in another tenant: the same body in both cases, so a caller
// cannot probe other tenants' identifiers. Answer real absences with it too.
func NewResourceNotFound() *errresp.Error {
	return errresp.New(errresp.NotFound, "The requested resource does not exist.")
}

// NewTooManyFailures returns the answer to an address refused by a FailureGuard:
// a 429 RateLimited whose Retry-After says when the next attempt is allowed.
func NewTooManyFailures(retryAfter time.Duration) *errresp.Error {
	e := errresp.New(errresp.RateLimited, "Too many failed attempts from this address. Try again later.")
	e.RetryAfter = retryAfter
	return e
}

// NewTooManyCodes returns the answer to the wrong one-time code that ends a
// pending sign-in (SessionExpired, a 401): sign in again.
func NewTooManyCodes() *errresp.Error {
	return errresp.New(errresp.SessionExpired, "Too many wrong codes. Sign in again.").
		With("attempts", MaxWrongCodes)
}
