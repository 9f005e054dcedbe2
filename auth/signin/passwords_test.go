package signin

import (
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/race"
)

// testPasswords is cheap so that tests are quick; the work is the same for
// every path whatever the count.
var testPasswords = Passwords{Iterations: 1000}

func authMustHash(pw string) string {
	h, err := testPasswords.Hash(pw)
	if err != nil {
		panic(err)
	}
	return h
}

func TestPasswords(t *testing.T) {
	t.Parallel()
	h1, h2 := authMustHash("pw"), authMustHash("pw")
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal; the salt is not random")
	}
	cases := []struct {
		name, hash, pw string
		kind           errresp.Kind // Unknown: accepted
	}{
		{"right", h1, "pw", errresp.Unknown},
		{"right, other salt", h2, "pw", errresp.Unknown},
		{"wrong", h1, "pW", errresp.InvalidCredentials},
		{"unknown account", "", "pw", errresp.InvalidCredentials},
		{"other algorithm", strings.Replace(h1, "pbkdf2-sha256", "bcrypt", 1), "pw", errresp.Internal},
		{"garbage", "$$$", "pw", errresp.Internal},
		{"iterations zero", "pbkdf2-sha256$0$c2FsdA$a2V5", "pw", errresp.Internal},
		{"iterations huge", "pbkdf2-sha256$999999999999$c2FsdA$a2V5", "pw", errresp.Internal},
		{"bad base64", "pbkdf2-sha256$10$!!$a2V5", "pw", errresp.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := testPasswords.Check(tc.hash, tc.pw)
			if got := errresp.KindOf(err); got != tc.kind {
				t.Errorf("kind = %v (%v), want %v", got, err, tc.kind)
			}
		})
	}
}

// The unknown-account path does the work of a real check: one derivation with
// the same iteration count and the same salt and key lengths. The hash at
// the default count (600,000 iterations, one goroutine) runs only without the
// race detector, which adds nothing to it but minutes.
func TestPasswordsUnknownAccountDoesEqualWork(t *testing.T) {
	t.Parallel()
	for _, p := range []Passwords{{}, {Iterations: 1000}} {
		if p.Iterations == 0 && (testing.Short() || race.Enabled) {
			continue
		}
		h, err := p.Hash("x")
		if err != nil {
			t.Fatal(err)
		}
		iter, salt, key, ok := parseHash(h)
		if !ok || iter != p.iterations() || len(salt) != len(dummySalt) || len(key) != len(dummyKey) {
			t.Errorf("hash %s: iterations %d salt %d key %d; the unknown path uses %d, %d, %d",
				h, iter, len(salt), len(key), p.iterations(), len(dummySalt), len(dummyKey))
		}
	}
	if (Passwords{}).iterations() != DefaultPasswordIterations {
		t.Errorf("zero Passwords does not use the default count")
	}
	if _, err := (Passwords{Iterations: maxIterations + 1}).Hash("x"); err == nil {
		t.Errorf("a count above the maximum was accepted")
	}
}

// An unknown account and a wrong password cost the same key derivation: one
// derivation with the same parameters (auth's TestSignInUnknownAndWrongIdentical
// checks that their answers are byte-identical).
func TestUnknownAndWrongSameWork(t *testing.T) {
	t.Parallel()
	s1, k1, i1, known1, ok1 := testPasswords.target("")
	s2, k2, i2, known2, ok2 := testPasswords.target(authMustHash("correct-horse"))
	if !ok1 || !ok2 || known1 || !known2 || len(s1) != len(s2) || len(k1) != len(k2) || i1 != i2 {
		t.Errorf("unknown account: salt %d, key %d, %d iterations; known: salt %d, key %d, %d iterations",
			len(s1), len(k1), i1, len(s2), len(k2), i2)
	}
}
