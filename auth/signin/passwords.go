package signin

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/apierror/apierror/errresp"
)

// DefaultPasswordIterations is the PBKDF2-HMAC-SHA256 iteration count
// Passwords uses when none is set (OWASP's 2023 recommendation).
const DefaultPasswordIterations = 600_000

// Passwords hashes and checks passwords with PBKDF2-HMAC-SHA256 from the
// standard library, in the form "pbkdf2-sha256$<iterations>$<salt>$<key>"
// (unpadded base64). The zero value uses DefaultPasswordIterations.
//
// Check answers an unknown account (an empty stored hash) and a wrong password
// with the same error after the same work: one key derivation with the same
// iteration count, salt and key lengths, and one constant-time comparison. So
// the body and, to within noise, the time do not tell a client whether an
// account exists. Keep every stored hash at the Passwords' own iteration
// count (rehash on sign-in when it changes) so that this holds.
type Passwords struct {
	// Iterations is the PBKDF2 iteration count of new hashes and of the work
	// done for unknown accounts; 0 means DefaultPasswordIterations.
	Iterations int
}

const (
	saltLen       = 16
	keyLen        = 32
	maxIterations = 100_000_000
)

// dummySalt and the zero key are what an unknown account is checked
// against: the same lengths as a real hash, and no password derives to zeros.
var (
	dummySalt = [saltLen]byte{'a', 'p', 'i', 'e', 'r', 'r', 'o', 'r', '-', 'u', 'n', 'k', 'n', 'o', 'w', 'n'}
	dummyKey  [keyLen]byte
)

func (p Passwords) iterations() int {
	if p.Iterations > 0 {
		return p.Iterations
	}
	return DefaultPasswordIterations
}

// Hash returns the encoded hash of password with a fresh random salt. It
// fails only if the iteration count is above 100 000 000.
func (p Passwords) Hash(password string) (string, error) {
	iter := p.iterations()
	if iter > maxIterations {
		return "", errors.New("apierror/auth/signin: password iteration count too high")
	}
	var salt [saltLen]byte
	_, _ = rand.Read(salt[:]) // crypto/rand.Read never fails
	key, err := pbkdf2.Key(sha256.New, password, salt[:], iter, keyLen)
	if err != nil {
		return "", err
	}
	return "pbkdf2-sha256$" + strconv.Itoa(iter) + "$" + base64.RawStdEncoding.EncodeToString(salt[:]) +
		"$" + base64.RawStdEncoding.EncodeToString(key), nil
}

// Check returns nil when password matches the encoded hash, and
// NewInvalidCredentials when it does not or when encoded is empty (pass the
// empty string for an account that does not exist). A stored hash that
// cannot be parsed is a server fault: an Internal error whose cause says so.
func (p Passwords) Check(encoded, password string) error {
	salt, key, iter, known, ok := p.target(encoded)
	if !ok {
		return errresp.Wrap(errresp.Internal, errors.New("apierror/auth/signin: stored password hash is malformed"), "")
	}
	if !derivesTo(salt, key, iter, password) || !known {
		return NewInvalidCredentials()
	}
	return nil
}

// target returns what Check derives and compares password against: the
// stored hash's parameters, or for an unknown account (encoded empty) the
// dummy salt and key at the Passwords' own iteration count, so that both take
// the same work. ok is false when encoded cannot be parsed.
func (p Passwords) target(encoded string) (salt, key []byte, iter int, known, ok bool) {
	if encoded == "" {
		return dummySalt[:], dummyKey[:], p.iterations(), false, true
	}
	iter, salt, key, ok = parseHash(encoded)
	return salt, key, iter, true, ok
}

// derivesTo derives the key for password and compares it with key in
// constant time. Both paths of Passwords.Check go through it.
func derivesTo(salt, key []byte, iter int, password string) bool {
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(key))
	return err == nil && subtle.ConstantTimeCompare(got, key) == 1
}

func parseHash(s string) (iter int, salt, key []byte, ok bool) {
	alg, rest, _ := strings.Cut(s, "$")
	n, rest, _ := strings.Cut(rest, "$")
	salt64, key64, _ := strings.Cut(rest, "$")
	if alg != "pbkdf2-sha256" {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(n)
	if err != nil || iter < 1 || iter > maxIterations {
		return 0, nil, nil, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(salt64)
	key, err2 := base64.RawStdEncoding.DecodeString(key64)
	if err1 != nil || err2 != nil || len(salt) == 0 || len(key) == 0 || len(key) > 64 {
		return 0, nil, nil, false
	}
	return iter, salt, key, true
}
