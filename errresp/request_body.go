package errresp

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// bodyTracker wraps a request body and records whether it was read to its
// end, so that Write can tell a request whose body was left unread (a 401
// before the body, a 413 on Content-Length, a timeout while the client
// trickles) from one whose body was consumed. Only requests with a body get
// one, so a GET costs nothing more.
type bodyTracker struct {
	io.ReadCloser
	want int64 // Content-Length, or -1 when unknown
	read atomic.Int64
	done atomic.Bool // io.EOF seen, or want bytes read
}

func (b *bodyTracker) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && b.read.Add(int64(n)) == b.want {
		b.done.Store(true)
	}
	if err == io.EOF {
		b.done.Store(true)
	}
	return n, err
}

// track installs st's body tracker on r, a copy of the request that Begin
// or fork made (so replacing its Body affects no one else).
func (st *state) track(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return
	}
	st.body = &bodyTracker{ReadCloser: r.Body, want: r.ContentLength}
	r.Body = st.body
}

// unreadBody reports whether r (whose state is st, possibly nil) carries a
// body that has not been read to its end. Without a tracker (a request that
// did not go through Begin) any body counts as unread.
func unreadBody(st *state, r *http.Request) bool {
	if r == nil || r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return false
	}
	if st != nil && st.body != nil {
		return !st.body.done.Load()
	}
	return true
}

// closeIfUnread asks the server to close an HTTP/1 connection after the
// response when the request's body was not read to its end. Without it,
// net/http reads (up to 256 KiB of) the unread body before it sends the
// response, and again when it closes the body after the handler, so a client
// trickling its body holds the answer, and the connection, for as long as it
// likes.
//
// "Connection: close" stops the first. The server is told, as
// http.MaxBytesReader tells it, that the body is refused, so it closes the
// connection gracefully: it stops sending and pauses before closing, so that
// a client still writing its body reads the answer rather than a reset. For
// the second, the body is closed here under a read deadline already past, so
// the server's own close finds it done; a read of the body still blocked in
// another goroutine (a handler Timeout gave up on) fails at once too.
// (Leaving the close to the server is not enough: a read in flight when the
// handler returns makes the server clear the deadline before it reads what
// is left.)
//
// HTTP/2 is left alone: there "Connection: close" would end every stream of
// the connection, and an unread body only resets its own stream.
func closeIfUnread(w http.ResponseWriter, h http.Header, st *state, r *http.Request) {
	if r == nil || r.ProtoMajor != 1 || !unreadBody(st, r) {
		return
	}
	h["Connection"] = closeHeader
	if http.NewResponseController(w).SetReadDeadline(pastDeadline) != nil {
		return // not the server's writer (a recorder): nothing to stop
	}
	inner := w
	for {
		u, ok := inner.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		inner = u.Unwrap()
	}
	var one [1]byte
	_, _ = http.MaxBytesReader(inner, io.NopCloser(strings.NewReader("x")), 0).Read(one[:])
	if st != nil && st.body != nil {
		_ = st.body.ReadCloser.Close()
	} else {
		_ = r.Body.Close()
	}
}

// pastDeadline is a read deadline that has passed: reads fail at once.
var pastDeadline = time.Unix(1, 0)
