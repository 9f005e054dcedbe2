package client

import (
	"net/http"
	"strconv"

	"github.com/apierror/apierror/errresp"
)

// DrainLimit is how much of an error body past the errresp.MaxDecodeBody
// bytes kept to decode it is read and dropped when the body is not handed
// to the caller (a retried attempt's, or the failure Do returns), so that
// the connection can carry the next request. A longer body closes the
// connection instead: reading it to its end could take any time and any
// amount of traffic. The dropped bytes are read through a buffer of
// io.Discard's and never kept.
const DrainLimit = 256 << 10

// ResponseError is the failure of an error response (status 400 or more):
// the decoded *errresp.Error together with the response it came in. Check
// returns one for a response; Do returns one as its error. errors.As
// reaches its *errresp.Error:
//
//	var e *errresp.Error
//	if errors.As(err, &e) && e.Kind == errresp.NotFound { ... }
type ResponseError struct {
	// Err is the failure, decoded by errresp.DecodeRaw from whichever shape
	// the body is in: a style registered with errresp, or the error body of
	// another API or framework (see the package documentation for which
	// field holds what). Its RetryAfter is the wait the response asked for
	// (see the package documentation), measured when it arrived.
	Err *errresp.Error
	// Response is the response. From Check, it is the response as the
	// Transport returned it, its body unread by the caller. From Do, its
	// body has been closed, and reads Body.
	Response *http.Response
	// Body holds the start of the response body that was decoded: all of
	// it, or its first errresp.MaxDecodeBody bytes.
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
