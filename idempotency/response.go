package idempotency

import (
	"encoding/binary"
	"errors"
	"net/http"
	"slices"
)

// savedResponse is what a first request's response leaves for its retries.
type savedResponse struct {
	status    int
	tooLarge  bool   // the body was over the limit and is not kept
	requestID string // the first request's id
	header    http.Header
	body      []byte
}

// The stored form: a version byte, the status (2 bytes, big-endian), a flags
// byte, the request id, the header count and each header's name and values
// (strings length-prefixed, uvarint), then the body: the rest of the bytes.
// The head is written when the response's header is, and the body appended
// as it is written, so that saving a response costs one buffer.
const (
	formatV1     = 2
	flagTooLarge = 1
)

// errCorrupt is the error of a stored response that does not decode.
var errCorrupt = errors.New("apierror/idempotency: saved response is corrupt")

func (s *savedResponse) encode() []byte {
	var flags byte
	if s.tooLarge {
		flags = flagTooLarge
	}
	b := appendHead(nil, s.status, flags, s.requestID, s.header, nil)
	return append(b, s.body...)
}

// appendHead appends the head of a stored response: the entries of h
// except those in notSaved and those equal to outer's (the layers outside
// the middleware set them before the handler ran).
func appendHead(b []byte, status int, flags byte, requestID string, h, outer http.Header) []byte {
	keep := func(k string, vs []string) bool {
		ov, ok := outer[k]
		return !notSaved[k] && !(ok && slices.Equal(vs, ov))
	}
	n := 0
	for k, vs := range h {
		if keep(k, vs) {
			n++
		}
	}
	b = append(b, formatV1, byte(status>>8), byte(status), flags)
	b = appendString(b, requestID)
	b = binary.AppendUvarint(b, uint64(n))
	for k, vs := range h {
		if !keep(k, vs) {
			continue
		}
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = appendString(b, v)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// stored is a stored response checked and split into its parts, without
// a copy: header holds the encoded entries, nh of them.
type stored struct {
	status    int
	tooLarge  bool
	requestID []byte
	nh        int
	header    []byte
	body      []byte
}

// parseStored checks what encode wrote and splits it. It never panics and
// allocates nothing, whatever b holds.
func parseStored(b []byte) (stored, error) {
	if len(b) < 4 || b[0] != formatV1 || b[3]&^flagTooLarge != 0 {
		return stored{}, errCorrupt
	}
	s := stored{status: int(b[1])<<8 | int(b[2]), tooLarge: b[3]&flagTooLarge != 0}
	if s.status < 100 || s.status > 999 {
		return stored{}, errCorrupt
	}
	d := decoder{b: b[4:], ok: true}
	s.requestID = d.bytes()
	s.nh = d.count()
	s.header = d.b
	for i := 0; i < s.nh && d.ok; i++ {
		if len(d.bytes()) == 0 {
			d.ok = false
		}
		nv := d.count()
		for j := 0; j < nv && d.ok; j++ {
			d.bytes()
		}
	}
	if !d.ok {
		return stored{}, errCorrupt
	}
	s.header = s.header[:len(s.header)-len(d.b)]
	s.body = d.b
	return s, nil
}

// setHeader sets the stored header entries in h (a later entry of a name
// replaces an earlier one); s must come from parseStored.
func (s *stored) setHeader(h http.Header) {
	d := decoder{b: s.header, ok: true}
	for range s.nh {
		k := d.string()
		vs := make([]string, d.count())
		for j := range vs {
			vs[j] = d.string()
		}
		h[k] = vs
	}
}

// decodeResponse reads what encode wrote into a savedResponse.
func decodeResponse(b []byte) (*savedResponse, error) {
	p, err := parseStored(b)
	if err != nil {
		return nil, err
	}
	s := &savedResponse{status: p.status, tooLarge: p.tooLarge, requestID: string(p.requestID), body: p.body}
	if p.nh > 0 {
		s.header = make(http.Header, p.nh)
		p.setHeader(s.header)
	}
	return s, nil
}

type decoder struct {
	b  []byte
	ok bool
}

// count reads a length that must be no more than the bytes left, each
// counted item taking one byte at least.
func (d *decoder) count() int {
	if !d.ok {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || (n > 1 && d.b[n-1] == 0) || v > uint64(len(d.b)-n) { // overlong forms are not ours
		d.ok = false
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) bytes() []byte {
	n := d.count()
	if !d.ok {
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }
