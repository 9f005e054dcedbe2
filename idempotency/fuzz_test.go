package idempotency

import (
	"bytes"
	"net/http"
	"testing"
)

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, "abc", `"a\"b"`, `"k";a=1`, `"`, `""`, "a,b", `"a\`, "\"\x7f\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		key, ok, err := ParseKey([]string{v}, 64)
		if !ok {
			t.Fatal("one field line is always a key or an error")
		}
		if err != nil {
			return
		}
		if key == "" || len(key) > 64 {
			t.Fatalf("ParseKey(%q) = %q", v, key)
		}
		for i := 0; i < len(key); i++ {
			if key[i] < 0x20 || key[i] > 0x7e {
				t.Fatalf("ParseKey(%q) = %q, with a byte outside printable ASCII", v, key)
			}
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add((&savedResponse{status: 201, requestID: "r", header: http.Header{"Location": {"/x"}}, body: []byte("{}")}).encode())
	f.Add((&savedResponse{status: 200, tooLarge: true}).encode())
	f.Add([]byte{formatV1, 0, 200, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeResponse(b)
		if err != nil {
			return
		}
		// What decodes encodes back to the same bytes when it has at most
		// one header (map order is free otherwise).
		if len(s.header) <= 1 && !bytes.Equal(s.encode(), b) {
			t.Fatalf("decode then encode of %q gave %q", b, s.encode())
		}
	})
}
