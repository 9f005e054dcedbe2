package idempotency

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"sync"
)

// hasher is a SHA-256 input buffer, pooled: the fields of a fingerprint are
// appended to it and hashed in one call, with no allocation of its own.
type hasher struct{ buf []byte }

var hashers = sync.Pool{New: func() any { return &hasher{buf: make([]byte, 0, 512)} }}

func (h *hasher) field(s string) {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(s)))
	h.buf = append(h.buf, s...)
}

// sum returns the hex digest of the buffer and of tail after it, truncated
// to n bytes of digest, and puts h back in the pool.
func (h *hasher) sum(tail []byte, n int) string {
	var sum [sha256.Size]byte
	if len(tail) == 0 {
		sum = sha256.Sum256(h.buf)
	} else {
		d := sha256.New()
		d.Write(h.buf)
		d.Write(tail)
		d.Sum(sum[:0])
	}
	if cap(h.buf) <= 64<<10 {
		h.buf = h.buf[:0]
		hashers.Put(h)
	}
	return hex.EncodeToString(sum[:n])
}

// fingerprint is the SHA-256 of what makes a request the request it is: its
// method, escaped path, raw query, the configured headers' values and its
// body, each length-prefixed so that no two requests share a preimage.
func fingerprint(r *http.Request, headers []string, body []byte) string {
	h := hashers.Get().(*hasher)
	h.field(r.Method)
	h.field(r.URL.EscapedPath())
	h.field(r.URL.RawQuery)
	for _, name := range headers {
		vs := r.Header[name]
		h.buf = binary.AppendUvarint(h.buf, uint64(len(vs)))
		for _, v := range vs {
			h.field(v)
		}
	}
	h.buf = binary.AppendUvarint(h.buf, uint64(len(body)))
	if len(body) <= 4<<10 {
		h.buf = append(h.buf, body...)
		return h.sum(nil, sha256.Size)
	}
	return h.sum(body, sha256.Size)
}

// storeKey is the store's key of a caller's key: a digest of the scope and
// the key, so that keys of two callers never meet, and neither the key nor
// the scope (which may derive from a credential) reaches the store as it is.
func storeKey(scope, key string) string {
	h := hashers.Get().(*hasher)
	h.field(scope)
	h.buf = append(h.buf, key...)
	return h.sum(nil, 16)
}
