package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/principal"
)

// Signing in: an email and password, then a one-time code, give a session
// cookie; signing out ends it. The demo API keys' shape is checked here too.

func (s *service) signIn(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email" validate:"required"`
		Password string `json:"password" validate:"required"`
	}
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	// An unknown email has no hash: Check does the same work and gives the
	// same answer as for a wrong password.
	if err := s.passwords.Check(s.accounts[in.Email], in.Password); err != nil {
		s.auth.Fail(w, r, err)
		return nil
	}
	http.SetCookie(w, s.twoFactor.SessionCookie(s.pending.IssueSession(s.user, pendingLifetime), pendingLifetime))
	return signin.NewTwoFactorRequired(true)
}

func (s *service) verifyTOTP(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code" validate:"required"`
	}
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	c, err := r.Cookie(pendingCookie)
	if err != nil {
		return auth.NewSessionExpired()
	}
	// A wrong code is counted before the code is compared, so that
	// concurrent guesses cannot pass the cap; a right one gives it back.
	account := principal.FromContext(r.Context()).ID
	res, err := s.codeGuard.ReserveAt(r.Context(), account, time.Now())
	if err != nil {
		return err
	}
	if !auth.EqualSecret(in.Code, demoOTP) {
		// The fifth wrong code for this pending sign-in ends it, and
		// refuses the account's codes for 5 minutes (then one every 5
		// minutes), whichever addresses the codes came from.
		s.twoFactor.Fail(w, r, s.pending.WrongCode(c.Value))
		return nil
	}
	res.Cancel()
	s.pending.Revoke(c.Value)
	http.SetCookie(w, s.twoFactor.ClearSessionCookie())
	http.SetCookie(w, s.auth.SessionCookie(s.keys.IssueSession(principal.FromContext(r.Context()), sessionLifetime), sessionLifetime))
	return writeJSON(w, http.StatusOK, map[string]any{"signed_in": true, "expires_in": int(sessionLifetime.Seconds())})
}

// signOut ends the caller's session (a request authenticated by an API key
// has none) and tells the browser to drop the cookie.
func (s *service) signOut(w http.ResponseWriter, r *http.Request) error {
	byCookie := r.Header.Get("Authorization") == "" && r.Header.Get("X-API-Key") == "" // headers take precedence
	if c, err := r.Cookie("session"); err == nil && byCookie {
		s.keys.Revoke(c.Value)
	}
	http.SetCookie(w, s.auth.ClearSessionCookie())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// demoKeyPrefix and demoKeyLen are the demo API keys' shape.
const (
	demoKeyPrefix = "demo_"
	demoKeyLen    = 32
)

// demoKeyShape reports whether an API key has the demo keys' shape; session
// cookies, which the service issues itself, are not checked.
func demoKeyShape(c auth.Credential) bool {
	if c.Source == auth.FromCookie {
		return true
	}
	if len(c.Secret) != demoKeyLen || !strings.HasPrefix(c.Secret, demoKeyPrefix) {
		return false
	}
	for i := len(demoKeyPrefix); i < len(c.Secret); i++ {
		if ch := c.Secret[i]; !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}
