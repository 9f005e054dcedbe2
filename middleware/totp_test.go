package middleware

import (
	"strconv"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// A code is accepted once: again at the same instant, later within its
// window, and a code of an earlier step after a later one are all refused;
// another secret is not affected.
func TestTOTPReplay(t *testing.T) {
	t.Parallel()
	used := new(UsedCodes)
	totp := TOTP{Secret: []byte("12345678901234567890"), Used: used}
	other := TOTP{Secret: []byte("another secret, another account"), Used: used}
	at := time.Unix(1111111109, 0)
	steps := []struct {
		name string
		t    TOTP
		code string
		at   time.Time
		ok   bool
	}{
		{"first use", totp, totp.Code(at), at, true},
		{"the same code again", totp, totp.Code(at), at, false},
		{"the same code 20 s later", totp, totp.Code(at), at.Add(20 * time.Second), false},
		{"the code of the step before", totp, totp.Code(at.Add(-30 * time.Second)), at, false},
		{"another account's code", other, other.Code(at), at, true},
		{"the next step's code", totp, totp.Code(at.Add(30 * time.Second)), at.Add(30 * time.Second), true},
		{"the next step's code again", totp, totp.Code(at.Add(30 * time.Second)), at.Add(45 * time.Second), false},
	}
	for _, s := range steps {
		err := s.t.Check(s.code, s.at)
		if s.ok != (err == nil) {
			t.Errorf("%s: Check = %v, want ok %v", s.name, err, s.ok)
		}
		if err != nil && errresp.KindOf(err) != errresp.InvalidOTP {
			t.Errorf("%s: kind %v, want InvalidOTP (a replay is answered as a wrong code)", s.name, errresp.KindOf(err))
		}
	}
}

// The record forgets what can no longer be replayed.
func TestUsedCodesBounded(t *testing.T) {
	t.Parallel()
	used := new(UsedCodes)
	t0 := time.Unix(1111111109, 0)
	for i := range 1000 {
		totp := TOTP{Secret: []byte("secret-" + strconv.Itoa(i)), Used: used}
		if err := totp.Check(totp.Code(t0), t0); err != nil {
			t.Fatal(err)
		}
	}
	later := t0.Add(10 * time.Minute)
	for i := range 300 {
		totp := TOTP{Secret: []byte("later-" + strconv.Itoa(i)), Used: used}
		if err := totp.Check(totp.Code(later), later); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(used.last); n > 600 {
		t.Errorf("%d entries kept, want the old 1000 forgotten", n)
	}
}
