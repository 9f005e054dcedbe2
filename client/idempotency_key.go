package client

import (
	"crypto/rand"
	"net/http"
)

// WithIdempotencyKeys makes the transport give every POST and PATCH that
// carries no Idempotency-Key (nor X-Idempotency-Key) one of its own: a
// random UUID, sent as the draft's structured-field string
// ("8e03978e-40d5-43e8-bc93-6894a57f9324") and kept across the request's
// retries, so that those retries are safe against a server that honours the
// header (package idempotency) and are made. Off by default: a POST without
// a key is not retried.
func WithIdempotencyKeys() Option { return func(c *config) { c.idemKeys = true } }

// withIdempotencyKey returns req with a new key when it is a POST or PATCH
// without one, as a copy (a RoundTripper must not change its request), and
// req itself otherwise.
func withIdempotencyKey(req *http.Request) *http.Request {
	if req.Method != http.MethodPost && req.Method != http.MethodPatch {
		return req
	}
	if len(req.Header["Idempotency-Key"]) > 0 || len(req.Header["X-Idempotency-Key"]) > 0 {
		return req
	}
	out := new(http.Request)
	*out = *req
	out.Header = req.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	out.Header["Idempotency-Key"] = []string{`"` + newUUID() + `"`}
	return out
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}
