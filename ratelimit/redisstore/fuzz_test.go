package redisstore

import (
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// FuzzDecode feeds decode and decode1 every reply a server could send: each
// returns a Decision within the limits it was given, or an error, and never
// panics.
func FuzzDecode(f *testing.F) {
	f.Add(uint8(5), int64(1), int64(1), int64(4), int64(1e9), int64(0))
	f.Add(uint8(5), int64(0), int64(2), int64(0), int64(5e9), int64(1e9))
	f.Add(uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0))
	f.Add(uint8(5), int64(1), int64(3), int64(0), int64(0), int64(0))
	f.Add(uint8(6), int64(1), int64(-1), int64(-5), int64(-1), int64(-1))
	limits := []ratelimit.Limit{{Events: 10, Period: time.Second}, {Events: 1, Period: time.Hour}}
	f.Fuzz(func(t *testing.T, n uint8, a, b, c, d, e int64) {
		res := []int64{a, b, c, d, e, 0, 0}[:min(int(n), 7)]
		if dec, err := decode1(res, limits[0]); err == nil && (dec.Limit != limits[0] || dec.Remaining < 0 || dec.ResetAfter < 0 || dec.RetryAfter < 0) {
			t.Fatalf("decode1(%v) = %+v", res, dec)
		}
		dec, err := decode(res, limits)
		if err != nil {
			return
		}
		if dec.Limit != limits[0] && dec.Limit != limits[1] {
			t.Fatalf("decode(%v) = %+v: a limit it was not given", res, dec)
		}
		if dec.Remaining < 0 || dec.ResetAfter < 0 || dec.RetryAfter < 0 {
			t.Fatalf("decode(%v) = %+v: a negative count or duration", res, dec)
		}
	})
}
