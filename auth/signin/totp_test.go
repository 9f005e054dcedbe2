package signin

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

func TestTOTP(t *testing.T) {
	t.Parallel()
	// RFC 6238 appendix B, SHA-1, with the last 6 of its 8 digits.
	rfc := TOTP{Secret: []byte("12345678901234567890")}
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, v := range vectors {
		t.Run(fmt.Sprint(v.unix), func(t *testing.T) {
			t.Parallel()
			at := time.Unix(v.unix, 0)
			rfc := rfc
			rfc.Used = new(UsedCodes) // each vector is its own sign-in
			if got := rfc.Code(at); got != v.code {
				t.Errorf("Code = %s, want %s", got, v.code)
			}
			if err := rfc.Check(v.code, at); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
	at := time.Unix(1111111109, 0) // step 37037036
	cases := []struct {
		name string
		totp TOTP
		code string
		kind errresp.Kind
	}{
		{"step before, default skew", rfc, rfc.Code(at.Add(-30 * time.Second)), errresp.Unknown},
		{"step after, default skew", rfc, rfc.Code(at.Add(30 * time.Second)), errresp.Unknown},
		{"two steps before", rfc, rfc.Code(at.Add(-60 * time.Second)), errresp.InvalidOTP},
		{"two steps before, skew 2", TOTP{Secret: rfc.Secret, Skew: 2}, rfc.Code(at.Add(-60 * time.Second)), errresp.Unknown},
		{"step before, no skew", TOTP{Secret: rfc.Secret, Skew: -1}, rfc.Code(at.Add(-30 * time.Second)), errresp.InvalidOTP},
		{"wrong digit", rfc, "081805", errresp.InvalidOTP},
		{"too short", rfc, "08180", errresp.InvalidOTP},
		{"too long", rfc, "0818040", errresp.InvalidOTP},
		{"empty", rfc, "", errresp.InvalidOTP},
		{"no secret", TOTP{}, TOTP{}.Code(at), errresp.InvalidOTP},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.totp.Used = new(UsedCodes)
			if got := errresp.KindOf(tc.totp.Check(tc.code, at)); got != tc.kind {
				t.Errorf("kind = %v, want %v", got, tc.kind)
			}
		})
	}
}

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
