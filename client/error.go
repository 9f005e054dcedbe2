package client

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/apierror/apierror/errresp"
)

// drainLimit is how much of an error body past errresp.MaxDecodeBody is read
// and dropped, so that the connection can carry the next request.
const drainLimit = 256 << 10

// ResponseError is the error a Transport returns for an error response
// (status 400 or more), after any retries: the decoded failure together
// with the response it came in. An *http.Client hands it back wrapped in a
// *url.Error; errors.As reaches both it and its *errresp.Error:
//
//	var e *errresp.Error
//	if errors.As(err, &e) && e.Kind == errresp.NotFound { ... }
type ResponseError struct {
	// Err is the failure, decoded from whichever of the styles registered
	// with errresp the body is in (by status alone when it is in none). Its
	// RequestID is the body's or the X-Request-ID header's, and its
	// RetryAfter the wait the response asked for (Retry-After, or on a 429
	// X-RateLimit-Reset), measured when it arrived.
	Err *errresp.Error
	// Response is the last response. Its body has been read and closed; its
	// Body field reads Body again, so it may be passed to code that reads a
	// response, and needs no closing.
	Response *http.Response
	// Body holds the response body, at most errresp.MaxDecodeBody bytes of
	// it (the rest, up to a limit, is read and dropped so that the
	// connection can be reused).
	Body []byte
	// Attempts is how many times the request was sent.
	Attempts int
}

// Error returns the status, the decoded failure, the request id and the
// number of attempts, for logs.
func (e *ResponseError) Error() string {
	b := make([]byte, 0, 128)
	b = strconv.AppendInt(b, int64(e.Response.StatusCode), 10)
	b = append(b, ' ')
	b = append(b, e.Err.Error()...)
	if e.Err.RequestID != "" {
		b = append(b, " (request id "...)
		b = append(b, e.Err.RequestID...)
		b = append(b, ')')
	}
	if e.Attempts > 1 {
		b = append(b, " after "...)
		b = strconv.AppendInt(b, int64(e.Attempts), 10)
		b = append(b, " attempts"...)
	}
	return string(b)
}

// Unwrap returns the decoded failure.
func (e *ResponseError) Unwrap() error { return e.Err }

// readError reads and closes the body of the error response resp, decodes
// it, and leaves resp.Body reading the bytes again. hinted reports whether
// the response said how long to wait (in the error's RetryAfter, where 0
// means "now"). now is the instant a Retry-After date or a Unix reset is
// measured from when the response has no Date.
func readError(resp *http.Response, now time.Time) (e *errresp.Error, body []byte, hinted bool) {
	// A body cut short by the network is decoded as far as it goes: an
	// envelope that does not parse falls back to the status.
	body = readBody(resp)
	rb := new(replayBody)
	rb.Reset(body)
	resp.Body = rb
	e, err := errresp.Decode(resp)
	if err != nil {
		// Decode fails only for a status below 400 or a failed read, and
		// neither can happen here; keep the status's meaning regardless.
		e = errresp.DecodeBody(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	rb.Reset(body) // for the caller, from the start
	resp.Body = rb
	rateLimited := e.Kind == errresp.RateLimited || resp.StatusCode == http.StatusTooManyRequests
	e.RetryAfter, hinted = waitHint(resp.Header, rateLimited, now)
	return e, body, hinted
}

// readBody reads at most errresp.MaxDecodeBody bytes of resp's body and
// closes it. A body of known length is read whole in one allocation (net/http
// sees its end with the last byte, and can reuse the connection); of another
// body, up to drainLimit bytes past the limit are read and dropped, so that
// the connection can be reused.
func readBody(resp *http.Response) []byte {
	defer resp.Body.Close()
	if resp.Body == http.NoBody { // HEAD: a Content-Length, but no body
		return nil
	}
	if n := resp.ContentLength; n >= 0 && n <= errresp.MaxDecodeBody {
		body := make([]byte, n)
		n, _ := io.ReadFull(resp.Body, body)
		return body[:n]
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errresp.MaxDecodeBody))
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
	return body
}

// replayBody reads a body already read; closing it does nothing.
type replayBody struct{ bytes.Reader }

func (*replayBody) Close() error { return nil }
