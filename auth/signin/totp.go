package signin

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"sync"
	"time"

	"github.com/apierror/apierror/auth"
)

// TOTP checks time-based one-time codes as authenticator apps make them
// (RFC 6238 with its defaults: HMAC-SHA1, 30-second steps, 6 digits). The
// zero Skew accepts the step before and the step after the current one too,
// for clocks a little apart.
//
// A code is accepted once: Check remembers, in Used, the step of the last
// code it accepted for the secret, and refuses that code, and any code of an
// earlier step, from then on (RFC 6238 §5.2), so a code seen over a
// shoulder or in a log cannot be replayed within its window.
type TOTP struct {
	// Secret is the shared key (the base32 text an app scans, decoded).
	Secret []byte
	// Skew is how many steps either side of the current one are accepted:
	// 0 means 1; a negative value accepts the current step only.
	Skew int
	// Used records the codes accepted. Nil means one record shared by the
	// whole process, which is right for a service running as one process;
	// a service running as several must send an account's codes to one
	// of them, or a code accepted by one could be replayed on another.
	Used *UsedCodes
}

// Code returns the code for the step holding at, for tests and enrolment
// screens.
func (t TOTP) Code(at time.Time) string {
	return hotp(t.Secret, timeStep(at))
}

// Check returns nil when code is the code of the step holding at or of one
// within Skew of it, and was not accepted before (see Used), and
// NewInvalidOTP otherwise: a replayed code gets the same answer as a wrong
// one. Every candidate step is computed and compared in constant time, so
// the time taken does not tell which part of the code was right.
func (t TOTP) Check(code string, at time.Time) error {
	skew := t.Skew
	switch {
	case skew == 0:
		skew = 1
	case skew < 0:
		skew = 0
	}
	step := timeStep(at)
	ok, matched := 0, uint64(0)
	for d := -int64(skew); d <= int64(skew); d++ {
		s := uint64(int64(step) + d)
		eq := subtle.ConstantTimeCompare([]byte(hotp(t.Secret, s)), []byte(code))
		ok |= eq
		matched = uint64(subtle.ConstantTimeSelect(eq, int(s), int(matched)))
	}
	if ok != 1 || len(t.Secret) == 0 {
		return auth.NewInvalidOTP()
	}
	used := t.Used
	if used == nil {
		used = &sharedUsedCodes
	}
	if !used.accept(t.Secret, matched, step, uint64(skew)) {
		return auth.NewInvalidOTP()
	}
	return nil
}

// UsedCodes remembers which one-time codes TOTP.Check accepted: for each
// secret (by its SHA-256 digest; the secret itself is not kept), the step of
// the last code accepted. An entry is needed only while that step is within
// Skew of the current one, about a minute and a half with the default skew,
// and is forgotten after that (swept when the record has doubled since the
// last sweep), so the memory is about 100 bytes for each account that signed
// in during the last minute and a half. The zero value is ready to use; it is
// safe for concurrent use.
type UsedCodes struct {
	mu      sync.Mutex
	last    map[[sha256.Size]byte]usedCode
	sweepAt int
}

type usedCode struct {
	step uint64 // the step of the code accepted
	keep uint64 // the last current step at which a code of step could still match
}

var sharedUsedCodes UsedCodes

// accept records that the code of step matched for secret, the current step
// being now, and reports whether it had not been accepted before (no code of
// step or a later one was).
func (u *UsedCodes) accept(secret []byte, step, now, skew uint64) bool {
	d := sha256.Sum256(secret)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.last == nil {
		u.last = make(map[[sha256.Size]byte]usedCode)
	}
	if e, ok := u.last[d]; ok && now <= e.keep && e.step >= step {
		return false
	}
	u.last[d] = usedCode{step: step, keep: step + skew}
	if len(u.last) >= u.sweepAt {
		for k, e := range u.last {
			if now > e.keep {
				delete(u.last, k)
			}
		}
		u.sweepAt = max(2*len(u.last), 64)
	}
	return true
}

func timeStep(at time.Time) uint64 { return uint64(at.Unix() / 30) }

// hotp is RFC 4226's HOTP value of counter, as 6 digits.
func hotp(secret []byte, counter uint64) string {
	m := hmac.New(sha1.New, secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out[:])
}
