package auth

import "github.com/apierror/apierror/errresp"

// What the tests of package auth_test look at inside.

// WrongScheme returns the Authenticator's wrong-scheme failure.
func (a *Authenticator) WrongScheme() *errresp.Error { return a.errWrongScheme() }

// Sessions returns the number of sessions k counts and of entries it holds.
func (k *KeyRing) Sessions() (counted, held int) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.sessions, len(k.entries)
}

// Addresses returns the number of addresses g keeps.
func (g *FailureGuard) Addresses() int { return g.mem.len() }

// GuardAddr is the FailureGuard's default key.
var GuardAddr = guardAddr
