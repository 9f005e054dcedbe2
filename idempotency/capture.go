package idempotency

import (
	"bufio"
	"net"
	"net/http"
)

// notSaved are the response headers never saved, so never replayed:
// Set-Cookie (a session or token the first response granted must not be
// handed out again by a replay, possibly after the caller signed out, nor be
// kept at rest in the store), X-Request-Id (a replay is a request of its
// own, with its own id; the first one's is sent as Idempotent-Original-Request-Id),
// Date, Content-Length (set from the saved body) and the hop-by-hop fields.
var notSaved = map[string]bool{
	"Set-Cookie": true, "X-Request-Id": true, "Date": true, "Content-Length": true,
	"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Trailer": true,
	"Upgrade": true, "Proxy-Connection": true,
}

// recorder passes a response through to the client and keeps a copy of it
// in its stored form: the status, the headers the handler set (those the
// layers outside had set before it ran are theirs and set again on a
// replay), and the body up to a limit.
type recorder struct {
	http.ResponseWriter
	outer     http.Header // the header as the handler found it
	requestID string
	status    int
	saved     []byte // the stored form: head, then the body so far
	head      int    // len(saved) after the head
	max       int
	over      bool
	hijacked  bool
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && !rw.hijacked {
		if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
			rw.ResponseWriter.WriteHeader(code)
			return
		}
		rw.status = code
		rw.saved = appendHead(make([]byte, 0, 256), code, 0, rw.requestID, rw.ResponseWriter.Header(), rw.outer)
		rw.head = len(rw.saved)
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	if !rw.over {
		if len(rw.saved)-rw.head+len(p) > rw.max {
			rw.over, rw.saved = true, nil
		} else {
			rw.saved = append(rw.saved, p...)
		}
	}
	return rw.ResponseWriter.Write(p)
}

// stored returns the response in its stored form; a body over the limit
// leaves the status alone, marked too large.
func (rw *recorder) stored() []byte {
	if rw.over {
		return appendHead(nil, rw.status, flagTooLarge, rw.requestID, nil, nil)
	}
	return rw.saved
}

// Flush lets a handler flush through the recorder.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
}

// Hijack hands the connection over; a hijacked response is not saved.
func (rw *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, b, err := http.NewResponseController(rw.ResponseWriter).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return c, b, err
}

// Unwrap returns the writer below, for http.ResponseController.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
