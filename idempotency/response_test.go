package idempotency

import (
	"bytes"
	"net/http"
	"reflect"
	"testing"
)

func TestResponseRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []savedResponse{
		{status: 201, requestID: "req-1", header: http.Header{"Location": {"/v1/vms/1"}, "Vary": {"A", "B"}}, body: []byte(`{"id":1}`)},
		{status: 204},
		{status: 200, tooLarge: true, requestID: "r"},
	} {
		got, err := decodeResponse(s.encode())
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		if got.status != s.status || got.tooLarge != s.tooLarge || got.requestID != s.requestID ||
			!bytes.Equal(got.body, s.body) || len(got.header) != len(s.header) || (len(s.header) > 0 && !reflect.DeepEqual(got.header, s.header)) {
			t.Errorf("round trip of %+v gave %+v", s, got)
		}
	}
}

func TestResponseCorrupt(t *testing.T) {
	t.Parallel()
	good := (&savedResponse{status: 201, requestID: "id", header: http.Header{"A": {"b"}}, body: []byte("xyz")}).encode()
	bad := [][]byte{nil, {}, {formatV1}, {formatV1 + 1, 0, 200, 0, 0, 0, 0}, {formatV1, 0, 20, 0, 0, 0, 0}, {formatV1, 0, 200, 2, 0, 0, 0},
		good[:6], good[:9], {formatV1, 0, 200, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, {formatV1, 0, 200, 0, 0x80, 0}}
	for _, b := range bad {
		if _, err := decodeResponse(b); err != errCorrupt {
			t.Errorf("decodeResponse(%q) = %v; want errCorrupt", b, err)
		}
	}
}
