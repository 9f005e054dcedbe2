package idempotency

import (
	"bufio"
	"net"
	"net/http"
	"slices"
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

// recorder passes a response through to the client and keeps a copy of it:
// the status, the headers the handler set (those the layers outside had set
// before it ran are theirs and set again on a replay), and the body up to a
// limit.
type recorder struct {
	http.ResponseWriter
	outer    http.Header // the header as the handler found it
	status   int
	header   http.Header
	body     []byte
	max      int
	over     bool
	hijacked bool
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && !rw.hijacked {
		if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
			rw.ResponseWriter.WriteHeader(code)
			return
		}
		rw.status = code
		rw.header = rw.handlerHeader()
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) handlerHeader() http.Header {
	var out http.Header
	for k, vs := range rw.ResponseWriter.Header() {
		if notSaved[k] || slices.Equal(vs, rw.outer[k]) {
			continue
		}
		if out == nil {
			out = make(http.Header, 4)
		}
		out[k] = slices.Clone(vs)
	}
	return out
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.WriteHeader(http.StatusOK)
	}
	if !rw.over {
		if len(rw.body)+len(p) > rw.max {
			rw.over, rw.body = true, nil
		} else {
			rw.body = append(rw.body, p...)
		}
	}
	return rw.ResponseWriter.Write(p)
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
