package bench

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// discardWriter is the smallest http.ResponseWriter: it keeps the header map
// and the status and throws the body away, so a benchmark measures the code
// under test and not a recorder's buffers.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func newDiscardWriter() *discardWriter { return &discardWriter{h: make(http.Header, 8)} }

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

// reset makes the writer ready for the next response without allocating.
func (w *discardWriter) reset() {
	clear(w.h)
	w.status = 0
	w.n = 0
}

// rewindBody is a request body that can be read again from the start without
// allocating, so a benchmark can reuse one request.
type rewindBody struct {
	bytes.Reader
	data []byte
}

func newRewindBody(data []byte) *rewindBody {
	rb := &rewindBody{data: data}
	rb.Reset(data)
	return rb
}

func (rb *rewindBody) rewind()      { rb.Reset(rb.data) }
func (rb *rewindBody) Close() error { return nil }

var _ io.ReadCloser = (*rewindBody)(nil)

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }

// keyList returns n distinct rate-limit keys shaped like client addresses.
func keyList(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
	}
	return keys
}
