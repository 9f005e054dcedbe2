package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"sync"
	"time"

	"github.com/apierror/apierror/principal"
)

// EqualSecret reports whether a and b are equal, in time that depends on
// neither their contents nor their lengths (both are hashed first, then the
// digests compared with crypto/subtle). Use it for one-time codes, pasted
// tokens and any other secret compared by the service itself.
func EqualSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// KeyRing is a ready-made Verifier over an in-memory set of API keys and
// sessions, for services whose credentials fit in memory (and for demos and
// tests). It keeps only SHA-256 digests of the secrets, never the secrets.
//
// Keys (AddKey) are accepted from the header sources, sessions (AddSession,
// IssueSession) only from the cookie, so a session id pasted into X-API-Key
// is refused and a key sent as a cookie is too. The answers:
//
//   - a key it does not hold, or revoked: NewKeyInvalid;
//   - a key past its expiry: NewKeyExpired (expired keys are kept, so the
//     client is told the real reason);
//   - a session past its expiry, revoked or signed out: NewSessionEnded,
//     which the FailureGuard does not count, when the ring issued it
//     (IssueSession signs its ids, see SessionIDs, so an ended session is
//     recognised after it is forgotten); an id it never issued:
//     NewSessionExpired, which counts. The client sees the same answer.
//
// The zero KeyRing is empty and ready to use. It is safe for concurrent use.
// The principals it returns are shared between requests and must not be
// modified.
type KeyRing struct {
	mu       sync.RWMutex
	entries  map[[sha256.Size]byte]keyEntry
	sessions int         // session entries held
	sweepAt  int         // sweep expired sessions when sessions reaches this
	ids      *SessionIDs // signs IssueSession's ids; nil until needed
}

// SetSessionIDs sets what signs and recognises the ring's session ids
// (IssueSession); by default a SessionIDs with a random key, made when the
// first session is issued, which recognises only this ring's sessions. Give
// instances and restarts one key (NewSessionIDs) to recognise each other's.
func (k *KeyRing) SetSessionIDs(ids *SessionIDs) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ids = ids
}

type keyEntry struct {
	principal  *principal.Principal
	expires    time.Time // zero: never
	session    bool
	wrongCodes int // wrong one-time codes for a pending sign-in (WrongCode)
}

// AddKey adds an API key for p that expires at expires (the zero time:
// never). Adding a key again replaces it. It panics on an empty secret or a
// nil principal.
func (k *KeyRing) AddKey(secret string, p *principal.Principal, expires time.Time) {
	k.add(secret, keyEntry{principal: p, expires: expires})
}

// AddSession adds a session id for p that ends at expires (the zero time:
// never). It panics on an empty id or a nil principal.
func (k *KeyRing) AddSession(id string, p *principal.Principal, expires time.Time) {
	k.add(id, keyEntry{principal: p, expires: expires, session: true})
}

// IssueSession creates a session for p lasting ttl from now and returns its
// id, signed (see SetSessionIDs). Send it with Authenticator.SessionCookie.
func (k *KeyRing) IssueSession(p *principal.Principal, ttl time.Duration) string {
	k.mu.Lock()
	if k.ids == nil {
		k.ids = NewSessionIDs(nil)
	}
	ids := k.ids
	k.mu.Unlock()
	id := ids.New()
	k.AddSession(id, p, time.Now().Add(ttl))
	return id
}

func (k *KeyRing) add(secret string, e keyEntry) {
	if secret == "" || e.principal == nil {
		panic("apierror/auth: KeyRing needs a secret and a principal")
	}
	d := sha256.Sum256([]byte(secret))
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.entries == nil {
		k.entries = make(map[[sha256.Size]byte]keyEntry)
	}
	if old, ok := k.entries[d]; ok && old.session {
		k.sessions--
	}
	k.entries[d] = e
	if e.session {
		k.sessions++
		if k.sessions >= k.sweepAt {
			k.sweepLocked(time.Now())
		}
	}
}

// sweepLocked forgets sessions that have ended; k.mu must be held for
// writing. It runs when the session count has doubled since the last sweep,
// so its cost is amortised over the sessions added.
func (k *KeyRing) sweepLocked(now time.Time) {
	for d, e := range k.entries {
		if e.session && !e.expires.IsZero() && !now.Before(e.expires) {
			delete(k.entries, d)
			k.sessions--
		}
	}
	k.sweepAt = max(2*k.sessions, 64)
}

// Revoke removes a key or session and reports whether it was held. A revoked
// key is answered as NewKeyInvalid, a revoked session as NewSessionExpired.
func (k *KeyRing) Revoke(secret string) bool {
	d := sha256.Sum256([]byte(secret))
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[d]
	if ok {
		delete(k.entries, d)
		if e.session {
			k.sessions--
		}
	}
	return ok
}

// Verify implements Verifier at the current time.
func (k *KeyRing) Verify(_ context.Context, c Credential) (*principal.Principal, error) {
	return k.VerifyAt(c, time.Now())
}

// VerifyAt is Verify at the instant now.
func (k *KeyRing) VerifyAt(c Credential, now time.Time) (*principal.Principal, error) {
	d := sha256.Sum256([]byte(c.Secret))
	k.mu.RLock()
	e, ok := k.entries[d]
	ids := k.ids
	k.mu.RUnlock()
	session := c.Source == FromCookie
	switch {
	case !ok || e.session != session:
		if session && ids != nil && ids.Issued(c.Secret) {
			return nil, NewSessionEnded()
		}
		if session {
			return nil, NewSessionExpired()
		}
		return nil, NewKeyInvalid()
	case !e.expires.IsZero() && !now.Before(e.expires):
		if session {
			return nil, NewSessionEnded()
		}
		return nil, NewKeyExpired()
	}
	return e.principal, nil
}

// MaxWrongCodes is how many wrong one-time codes one pending sign-in allows
// (KeyRing.WrongCode): the fifth wrong code ends it, whatever addresses the
// codes came from, and the client must sign in with its password again.
const MaxWrongCodes = 5

// WrongCode records a wrong one-time code against the pending sign-in held in
// k under the session id id, and returns the answer to send: NewInvalidOTP
// for the first MaxWrongCodes-1, then NewTooManyCodes, revoking the session
// (so the next attempt with it is NewSessionExpired). An id k does not hold
// is answered NewSessionExpired.
func (k *KeyRing) WrongCode(id string) error {
	d := sha256.Sum256([]byte(id))
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[d]
	if !ok || !e.session {
		return NewSessionExpired()
	}
	e.wrongCodes++
	if e.wrongCodes < MaxWrongCodes {
		k.entries[d] = e
		return NewInvalidOTP()
	}
	delete(k.entries, d)
	k.sessions--
	return NewTooManyCodes()
}
