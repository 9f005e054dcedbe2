package signin

import (
	"github.com/apierror/apierror/errresp"
)

// NewInvalidCredentials returns the failure of a sign-in with a wrong email or password
// (INVALID_CREDENTIALS). Answer an unknown account with it too: the body is
// the same, byte for byte. Passwords.Check returns it, after the same work in
// both cases.
func NewInvalidCredentials() *errresp.Error {
	return errresp.New(errresp.InvalidCredentials, "The email or password provided is incorrect.")
}

// NewTwoFactorRequired returns the expected answer to a right password when a
// second factor must follow (TWO_FACTOR_REQUIRED, a 400). totpConfigured is
// sent in the envelope's extras (Info), telling the client whether to ask for
// an authenticator-app code or to have one sent by email.
func NewTwoFactorRequired(totpConfigured bool) *errresp.Error {
	return errresp.New(errresp.TwoFactorRequired,
		"Credentials are valid, but 2FA verification is needed to complete sign-in.").With("totpConfigured", totpConfigured)
}
