package client

import (
	"io"
	"net/http"
	"time"

	"github.com/apierror/apierror/errresp"
)

// Check returns the failure an error response carries: nil for a status
// below 400 (and for a nil response), else a *ResponseError, whose
// *errresp.Error errors.As reaches. On a response from a Transport it
// costs nothing: the body was read once, when the response arrived, and
// is not read again. On another response it reads the start of the body
// (at most errresp.MaxDecodeBody bytes) and leaves resp.Body reading every
// byte from the first.
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
		return b.failure
	}
	return readError(resp, nil, 1, time.Now()).failure
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
	if err := Check(resp); err != nil {
		if b, ok := resp.Body.(*errorBody); ok {
			b.discard()
			b.rewind()
		}
		return nil, err
	}
	return resp, nil
}

// errorBody is the body of an error response that has been decoded: the
// bytes read to decode it, then the rest from the connection.
type errorBody struct {
	kept    []byte
	off     int
	rest    io.ReadCloser // the body past kept; nil when kept is all of it
	failure *ResponseError
	hinted  bool // the response named a wait (in failure.Err.RetryAfter)
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
	b := &errorBody{}
	if resp.Body != nil && resp.Body != http.NoBody {
		var more bool
		b.kept, more = readKept(resp.Body, buf, resp.ContentLength)
		if more {
			b.rest = resp.Body
		} else {
			_ = resp.Body.Close()
		}
	}
	e := errresp.DecodeRaw(resp.StatusCode, resp.Header, b.kept)
	rateLimited := e.Kind == errresp.RateLimited || resp.StatusCode == http.StatusTooManyRequests
	e.RetryAfter, b.hinted = waitHint(resp.Header, rateLimited, now)
	b.failure = &ResponseError{Err: e, Response: resp, Body: b.kept, Attempts: n}
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
