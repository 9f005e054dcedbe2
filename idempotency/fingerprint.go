package idempotency

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"net/http"
)

// fingerprint is the SHA-256 of what makes a request the request it is: its
// method, escaped path, raw query, the configured headers' values and its
// body, each length-prefixed so that no two requests share a preimage.
func fingerprint(r *http.Request, headers []string, body []byte) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	field := func(h hash.Hash, s string) {
		h.Write(binary.AppendUvarint(n[:0], uint64(len(s))))
		h.Write([]byte(s))
	}
	field(h, r.Method)
	field(h, r.URL.EscapedPath())
	field(h, r.URL.RawQuery)
	for _, name := range headers {
		vs := r.Header[name]
		h.Write(binary.AppendUvarint(n[:0], uint64(len(vs))))
		for _, v := range vs {
			field(h, v)
		}
	}
	h.Write(binary.AppendUvarint(n[:0], uint64(len(body))))
	h.Write(body)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// storeKey is the store's key of a caller's key: a digest of the scope and
// the key, so that keys of two callers never meet, and neither the key nor
// the scope (which may derive from a credential) reaches the store as it is.
func storeKey(scope, key string) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	h.Write(binary.AppendUvarint(n[:0], uint64(len(scope))))
	h.Write([]byte(scope))
	h.Write([]byte(key))
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}
