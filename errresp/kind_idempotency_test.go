package errresp

import (
	"testing"
	"time"
)

// The three failures of the Idempotency-Key header have a code of their own
// in every style, with the draft's statuses, and a client that decodes the
// envelope gets the kind back (so that it retries the 409 and nothing else).
func TestIdempotencyKinds(t *testing.T) {
	t.Parallel()
	want := map[Kind]int{IdempotencyKeyInvalid: 400, IdempotencyKeyInUse: 409, IdempotencyKeyReused: 422}
	for _, s := range []*Style{Problem(), GPCN(), DevDocs(), Gcore(), AuthPI()} {
		for k, status := range want {
			c := s.Code(k)
			if c.Code == "" || c.Status != status {
				t.Errorf("%s: %s is %+v; want its own code and status %d", s.Name, k, c, status)
			}
			if ks := s.KindsOf(c.Code); len(ks) != 1 || ks[0] != k {
				t.Errorf("%s: code %q means %v; want only %s", s.Name, c.Code, ks, k)
			}
			e := New(k, "m")
			e.RetryAfter = time.Second
			body, got := Render(s, e, "req-1")
			if got != status {
				t.Errorf("%s: %s rendered with status %d", s.Name, k, got)
			}
			d := DecodeBody(got, s.ContentType, body)
			if d == nil || d.Kind != k {
				t.Errorf("%s: %s decoded as %+v", s.Name, k, d)
			}
		}
	}
	if !IdempotencyKeyInUse.Retryable() || IdempotencyKeyInvalid.Retryable() || IdempotencyKeyReused.Retryable() {
		t.Error("only the 409 of a key in use is retryable")
	}
}
