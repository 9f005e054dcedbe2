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

// InFlight returns the number of credentials and addresses g's table of
// requests in progress holds.
func (g *FailureGuard) InFlight() (creds, addrs int) {
	g.flights.mu.Lock()
	defer g.flights.mu.Unlock()
	return len(g.flights.m), len(g.flights.addrs)
}

// Remembered returns the number of credentials g remembers as valid.
func (g *FailureGuard) Remembered() int { return g.valid.len() }
