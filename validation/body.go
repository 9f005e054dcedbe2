package validation

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/apierror/apierror/errresp"
)

// checkMediaType returns a 415 unless ct names an accepted JSON media type.
func (d *Decoder) checkMediaType(ct string) *errresp.Error {
	if strings.TrimSpace(ct) == "" {
		if d.allowNoType {
			return nil
		}
		return d.unsupported("The request has no Content-Type header")
	}
	mt, ok := mediaType(ct)
	if ok && d.accepts(mt) {
		if cs, found := param(ct, "charset"); !found || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8") {
			return nil
		}
		return d.unsupported("The request body must be encoded as UTF-8")
	}
	return d.unsupported("The Content-Type of the request is not supported")
}

func (d *Decoder) accepts(mt string) bool {
	if d.mediaTypes == nil {
		return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
	}
	for _, t := range d.mediaTypes {
		if t == mt {
			return true
		}
	}
	return false
}

func (d *Decoder) unsupported(why string) *errresp.Error {
	accepted := d.mediaTypes
	if accepted == nil {
		accepted = []string{"application/json", "application/*+json"}
	}
	return errresp.New(errresp.UnsupportedMediaType,
		why+"; send the body as "+strings.Join(accepted, " or ")+".").
		With("accepted", accepted)
}

// mediaType returns the lower-cased type/subtype of a Content-Type value, and
// whether it has that shape. It allocates only for upper-case input.
func mediaType(ct string) (string, bool) {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	slash := strings.IndexByte(mt, '/')
	if slash <= 0 || slash == len(mt)-1 || strings.IndexByte(mt[slash+1:], '/') >= 0 {
		return "", false
	}
	for i := 0; i < len(mt); i++ {
		c := mt[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"[]?=`, c) >= 0 && c != '/' {
			return "", false
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(mt), true
		}
	}
	return mt, true
}

// param returns the value of the named parameter of a Content-Type value.
func param(ct, name string) (string, bool) {
	_, rest, _ := strings.Cut(ct, ";")
	for rest != "" {
		var p string
		p, rest, _ = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.Trim(strings.TrimSpace(v), `"`), true
		}
	}
	return "", false
}

// readBody reads r's body into a pooled buffer, reading at most maxBytes+1
// bytes, so an oversized body is refused without being read to its end.
func (d *Decoder) readBody(r *http.Request) (*body, *errresp.Error) {
	if r.ContentLength > d.maxBytes {
		return nil, d.tooLarge()
	}
	b := bodyPool.Get().(*body)
	if r.Body == nil || r.Body == http.NoBody {
		return b, nil
	}
	lr := io.LimitedReader{R: r.Body, N: d.maxBytes + 1}
	buf := b.buf[:0]
	// Trust a declared length only so far: a client that announces a large
	// body and sends it slowly must not get the whole buffer up front.
	if want := min(r.ContentLength+1, preallocMax); want > int64(cap(buf)) {
		buf = make([]byte, 0, want)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			b.buf = buf
			b.release()
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, errresp.From(err)
			}
			return nil, errresp.Wrap(errresp.InvalidRequest, err, "The request body could not be read to its end.")
		}
	}
	b.buf = buf
	if int64(len(buf)) > d.maxBytes {
		b.release()
		return nil, d.tooLarge()
	}
	return b, nil
}

// preallocMax is the most readBody allocates before the bytes arrive.
const preallocMax = 64 << 10

func (d *Decoder) tooLarge() *errresp.Error {
	return errresp.New(errresp.PayloadTooLarge,
		"The request body is larger than the limit of "+strconv.FormatInt(d.maxBytes, 10)+" bytes.").
		With("limit", d.maxBytes)
}
