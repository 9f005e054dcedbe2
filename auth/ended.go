package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/apierror/apierror/errresp"
)

// ErrEnded marks the failure of a credential the service issued that has
// since ended: a session expired or signed out, a key revoked. A Verifier
// that recognises such a credential answers an error wrapping ErrEnded
// (NewSessionEnded does), and the FailureGuard does not count it: a stale
// browser tab is not guessing. The client's answer is the same as for a
// credential never issued; ErrEnded is only ever the error's cause.
var ErrEnded = errors.New("apierror/auth: credential ended")

// NewSessionEnded returns the answer to a session the service issued that
// has ended (expired, signed out, revoked): the same SessionExpired failure
// as NewSessionExpired, with ErrEnded as its cause, so that it does not
// count against the caller's address.
func NewSessionEnded() *errresp.Error {
	e := NewSessionExpired()
	e.Err = ErrEnded
	return e
}

// SessionIDs mints session ids that carry a MAC, so that a Verifier can
// tell a session the service issued, and that has ended, from a guess
// without keeping ended sessions: an id whose MAC holds was issued here;
// if the sessions do not hold it, it has ended (NewSessionEnded); an id
// whose MAC fails is a guess (NewSessionExpired). An id is 128 random bits
// and a 128-bit HMAC-SHA256 of them, as text ("RANDOM.MAC").
//
// Instances that must recognise each other's sessions, and restarts that
// must recognise the sessions of the previous run, share the key. A
// SessionIDs is safe for concurrent use.
type SessionIDs struct {
	key []byte
}

// NewSessionIDs returns SessionIDs that sign with key, at least 32 bytes of
// secret; it panics on a shorter key. A nil key means a random one, which
// recognises only the sessions this process issued.
func NewSessionIDs(key []byte) *SessionIDs {
	if key == nil {
		key = make([]byte, 32)
		rand.Read(key)
	}
	if len(key) < 32 {
		panic("apierror/auth: NewSessionIDs needs a key of at least 32 bytes")
	}
	return &SessionIDs{key: append([]byte(nil), key...)}
}

// New returns a new session id: 128 random bits, signed.
func (s *SessionIDs) New() string { return s.Sign(rand.Text()) }

// Sign returns id with its MAC appended ("ID.MAC"), for a service whose
// session store makes its own ids; id must not hold a ".".
func (s *SessionIDs) Sign(id string) string {
	if strings.Contains(id, ".") {
		panic("apierror/auth: SessionIDs.Sign: the id holds a dot")
	}
	return id + "." + s.mac(id)
}

// Issued reports whether id is one that New or Sign returned with this key.
func (s *SessionIDs) Issued(id string) bool {
	body, sum, ok := strings.Cut(id, ".")
	return ok && hmac.Equal([]byte(sum), []byte(s.mac(body)))
}

func (s *SessionIDs) mac(body string) string {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}
