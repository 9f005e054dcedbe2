package auth

import (
	"context"
	"errors"
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// WithGuard sets the FailureGuard that counts the Authenticator's failed
// credentials; share one between Authenticators (API keys, sessions,
// pending sign-ins) to count an address's failures together. The default is
// a FailureGuard of its own with the defaults; nil turns counting off.
func WithGuard(g *FailureGuard) Option {
	return func(c *authConfig) { c.guard, c.guardSet = g, true }
}

// Guard returns the Authenticator's FailureGuard, nil when WithGuard(nil)
// turned it off.
func (a *Authenticator) Guard() *FailureGuard { return a.guard }

// throttleKey is the context key of a Throttle's pending failure.
type throttleKey struct{}

// throttled is the failure Throttle reserved for a request; kept is set by
// Fail when the handler's failure counts.
type throttled struct {
	res  *Reservation
	kept bool
}

// Throttle is middleware for sign-in routes (password, one-time code) that
// the Authenticator does not guard itself. It reserves a failure for the
// request's address at the door (FailureGuard.Reserve), so that an address
// that has failed too often is answered NewTooManyFailures before the
// handler runs, and no password is hashed for it, and concurrent attempts
// never pass the cap. The reservation is kept when the handler answers with
// Fail and a failure that counts, and given back otherwise.
func (a *Authenticator) Throttle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.guard == nil {
			next.ServeHTTP(w, r)
			return
		}
		res, err := a.guard.Reserve(r)
		if err != nil {
			a.fail(w, r, errresp.From(err), 0, nil)
			return
		}
		t := &throttled{res: res}
		defer func() {
			if !t.kept {
				res.Cancel()
			}
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), throttleKey{}, t)))
	})
}

// settle keeps res when err is a guess (a failure of a counting kind that
// is not ErrEnded) and gives it back otherwise. A failure answered outside
// Throttle, with no reservation, is counted now.
func (a *Authenticator) settle(r *http.Request, e *errresp.Error, res *Reservation) {
	guess := guardCounts(e.Kind) && !errors.Is(e, ErrEnded)
	if res == nil {
		if t, ok := r.Context().Value(throttleKey{}).(*throttled); ok {
			t.kept = t.kept || guess
			return
		}
		if guess {
			_, _ = a.guard.Reserve(r)
		}
		return
	}
	if guess {
		res.settle(verdictGuess)
	} else {
		res.Cancel()
	}
}

// guardCounts reports whether a failure of kind k counts against the
// caller's address: credentials refused, not the service's own faults or
// the guard's own refusal.
func guardCounts(k errresp.Kind) bool {
	switch k {
	case errresp.CredentialInvalid, errresp.CredentialExpired, errresp.CredentialMalformed,
		errresp.SessionExpired, errresp.InvalidCredentials, errresp.InvalidOTP:
		return true
	}
	return false
}
