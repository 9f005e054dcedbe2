// Package signin holds the pieces of a sign-in flow that are apart from
// authenticating requests: Passwords (PBKDF2-HMAC-SHA256 hashes, checked in
// the same time whether or not the account exists), TOTP (RFC 6238 one-time
// codes, each accepted once, see UsedCodes) and the failures such a flow
// answers (NewInvalidCredentials, NewTwoFactorRequired; a wrong code is
// auth.NewInvalidOTP).
//
// Its handlers answer through auth.Authenticator.Fail, behind
// auth.Authenticator.Throttle, so that a sign-in failure reads and counts
// like an authentication failure. Request authentication (package auth) does
// not import this package, so a service that only checks API keys does not
// link crypto/pbkdf2 or crypto/sha1.
package signin
