package client

import (
	"bytes"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/apierror/apierror/errresp"
)

// Check returns the failure an error response carries: nil for a status
// below 400 (and for a nil response), else a *ResponseError, whose
// *errresp.Error errors.As reaches. On a response from a Transport it
// costs nothing: the body was read once, when the response arrived, and
// is not read again, even behind a layer that wrapped the body
// (http.Client does, when it has a Timeout). On another response it reads
// the start of the body (at most errresp.MaxDecodeBody bytes) and leaves
// resp.Body reading every byte from the first.
//
//	resp, err := c.Get(url)
//	if err != nil {
//		return err // no response came
//	}
//	defer resp.Body.Close()
//	if err := client.Check(resp); err != nil {
//		return err
//	}
func Check(resp *http.Response) error {
	if resp == nil || resp.StatusCode < 400 || resp.Body == nil {
		return nil
	}
	if b, ok := resp.Body.(*errorBody); ok {
		return b.failure(resp)
	}
	if v, ok := returned.Load(weak.Make(resp)); ok {
		return v.(*errorBody).failure(resp)
	}
	return readError(resp, nil, 1, time.Now()).failure(resp)
}

// returned holds the body of each error response a Transport returned,
// under a weak pointer to the response, so that Check finds the decoded
// failure when another layer has wrapped the body. An entry goes when its
// response is collected; a body holds no pointer to its response, so that
// it can be.
var returned sync.Map // weak.Pointer[http.Response] -> *errorBody

// remember records b as the body of resp, which a Transport returns.
func remember(resp *http.Response, b *errorBody) {
	k := weak.Make(resp)
	returned.Store(k, b)
	runtime.AddCleanup(resp, func(k weak.Pointer[http.Response]) { returned.Delete(k) }, k)
}

// Do sends req with c (http.DefaultClient when c is nil) and returns an
// error for every failure: the client's when no response came, and a
// *ResponseError for an error response (after the retries of c's
// Transport, when it is one). A successful response is returned as
// c.Do returns it, for the caller to read and close. An error response's
// body is closed (up to DrainLimit bytes past what was decoded are read
// and dropped, so that the connection can be reused); the ResponseError's
// Response.Body reads what was kept of it.
func Do(c *http.Client, req *http.Request) (*http.Response, error) {
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	err = Check(resp)
	if err == nil {
		return resp, nil
	}
	if b, ok := resp.Body.(*errorBody); ok {
		b.discard()
		b.rewind()
		return nil, err
	}
	// A body another layer wrapped (http.Client's Timeout): it reads the
	// kept bytes first, then the rest.
	re := err.(*ResponseError)
	_, _ = io.CopyN(io.Discard, resp.Body, int64(len(re.Body))+DrainLimit)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(re.Body))
	return nil, err
}

// errorBody is the body of an error response that has been decoded: the
// bytes read to decode it, then the rest from the connection.
type errorBody struct {
	kept     []byte
	off      int
	rest     io.ReadCloser // the body past kept; nil when kept is all of it
	err      *errresp.Error
	attempts int
	hinted   bool // the response named a wait (in err.RetryAfter)
}

// failure is the *ResponseError of resp, whose body b is.
func (b *errorBody) failure(resp *http.Response) *ResponseError {
	return &ResponseError{Err: b.err, Response: resp, Body: b.kept, Attempts: b.attempts}
}

func (b *errorBody) Read(p []byte) (int, error) {
	if b.off < len(b.kept) {
		n := copy(p, b.kept[b.off:])
		b.off += n
		return n, nil
	}
	if b.rest == nil {
		return 0, io.EOF
	}
	return b.rest.Read(p)
}

// Close closes the connection's body; the kept bytes still read.
func (b *errorBody) Close() error {
	if b.rest == nil {
		return nil
	}
	return b.rest.Close()
}

// rewind makes the body read from its first byte again.
func (b *errorBody) rewind() { b.off = 0 }

// discard reads and drops up to DrainLimit bytes of the rest of the body,
// and closes it; the body then reads only the kept bytes.
func (b *errorBody) discard() {
	if b.rest == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, b.rest, DrainLimit)
	_ = b.rest.Close()
	b.rest = nil
}

// readError reads the start of the error response resp's body into buf
// (reusing its room), decodes it, and leaves resp.Body an *errorBody that
// reads every byte from the first. n is the attempt's number; now is the
// instant a Retry-After date or a Unix reset is measured from when the
// response has no Date.
func readError(resp *http.Response, buf []byte, n int, now time.Time) *errorBody {
	b := &errorBody{attempts: n}
	if resp.Body != nil && resp.Body != http.NoBody {
		var more bool
		b.kept, more = readKept(resp.Body, buf, resp.ContentLength)
		if more {
			b.rest = resp.Body
		} else {
			_ = resp.Body.Close()
		}
	}
	b.err = errresp.DecodeRaw(resp.StatusCode, resp.Header, b.kept)
	rateLimited := b.err.Kind == errresp.RateLimited || resp.StatusCode == http.StatusTooManyRequests
	b.err.RetryAfter, b.hinted = waitHint(resp.Header, rateLimited, now)
	resp.Body = b
	return b
}

// firstRead is the room given to a body of unknown length at first; it
// doubles as the body needs up to bigRead, then takes errresp.MaxDecodeBody
// at once, so that a long body costs the limit and a little more, not
// twice the limit.
const (
	firstRead = 4 << 10
	bigRead   = 64 << 10
)

// readKept reads the start of body, at most errresp.MaxDecodeBody bytes,
// into buf's room or, when that is too small, into one new array: of the
// body's length when it is known (cl), growing otherwise. more
// reports that the limit was reached before the body ended. A body cut
// short by the network gives what came.
func readKept(body io.Reader, buf []byte, cl int64) (kept []byte, more bool) {
	const limit = errresp.MaxDecodeBody
	buf = buf[:0]
	if cl >= 0 && cap(buf) < int(min(cl, limit)) {
		buf = make([]byte, 0, min(cl, limit))
	}
	for {
		if cl >= 0 && int64(len(buf)) >= cl {
			return buf, false
		}
		if len(buf) == limit {
			return buf, true
		}
		if len(buf) == cap(buf) {
			next := max(2*cap(buf), firstRead)
			if next > bigRead {
				next = limit
			}
			grown := make([]byte, len(buf), min(next, limit))
			copy(grown, buf)
			buf = grown
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, false
		}
	}
}
