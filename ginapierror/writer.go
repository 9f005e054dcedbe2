package ginapierror

import (
	"bufio"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
)

// frame is one Wrap in one request. Seen from above it is a
// gin.ResponseWriter (c.Writer while the chain below runs) over the writer
// the core's middleware handed down, with gin's own semantics: WriteHeader
// records the status and the first Write or WriteHeaderNow sends it. Seen
// from below, as a base, it is the net/http writer the middleware wraps,
// writing to the gin.ResponseWriter c.Writer was before it.
type frame struct {
	c        *gin.Context
	parent   gin.ResponseWriter  // c.Writer before the frame; restored when it ends
	w        http.ResponseWriter // the writer the middleware handed down
	status   int
	size     int // -1 until the status is sent
	returned bool
}

func newFrame(c *gin.Context) *frame {
	f := &frame{c: c, parent: c.Writer, status: c.Writer.Status(), size: -1}
	if c.Writer.Written() {
		f.size = c.Writer.Size()
	}
	return f
}

var _ gin.ResponseWriter = (*frame)(nil)

// Header implements http.ResponseWriter.
func (f *frame) Header() http.Header { return f.w.Header() }

// WriteHeader records the status; the first Write or WriteHeaderNow sends it.
func (f *frame) WriteHeader(code int) {
	if code > 0 && !f.Written() {
		f.status = code
	}
}

// WriteHeaderNow sends the status recorded, once.
func (f *frame) WriteHeaderNow() {
	if !f.Written() {
		f.size = 0
		f.w.WriteHeader(f.status)
	}
}

// Write implements http.ResponseWriter.
func (f *frame) Write(b []byte) (int, error) {
	f.WriteHeaderNow()
	n, err := f.w.Write(b)
	f.size += n
	return n, err
}

// WriteString implements gin.ResponseWriter.
func (f *frame) WriteString(s string) (int, error) {
	f.WriteHeaderNow()
	n, err := io.WriteString(f.w, s)
	f.size += n
	return n, err
}

// Status implements gin.ResponseWriter.
func (f *frame) Status() int { return f.status }

// Size implements gin.ResponseWriter.
func (f *frame) Size() int { return f.size }

// Written implements gin.ResponseWriter.
func (f *frame) Written() bool { return f.size != -1 }

// Flush implements http.Flusher.
func (f *frame) Flush() {
	f.WriteHeaderNow()
	_ = http.NewResponseController(f.w).Flush()
}

// Hijack implements http.Hijacker.
func (f *frame) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if f.size < 0 {
		f.size = 0
	}
	return http.NewResponseController(f.w).Hijack()
}

// CloseNotify implements http.CloseNotifier, as gin's writer does.
func (f *frame) CloseNotify() <-chan bool { return f.parent.CloseNotify() }

// Pusher implements gin.ResponseWriter.
func (f *frame) Pusher() http.Pusher { return f.parent.Pusher() }

// Unwrap returns the writer below, for http.ResponseController.
func (f *frame) Unwrap() http.ResponseWriter { return f.w }

// base is a frame seen from below: the net/http writer Wrap hands the
// core's middleware, writing to the frame's parent.
type base frame

func (b *base) Header() http.Header                          { return b.parent.Header() }
func (b *base) WriteHeader(code int)                         { b.parent.WriteHeader(code); b.parent.WriteHeaderNow() }
func (b *base) Write(p []byte) (int, error)                  { return b.parent.Write(p) }
func (b *base) Unwrap() http.ResponseWriter                  { return b.parent }
func (b *base) Flush()                                       { b.parent.Flush() }
func (b *base) Hijack() (net.Conn, *bufio.ReadWriter, error) { return b.parent.Hijack() }
