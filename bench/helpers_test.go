package bench

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"
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

// keyedRun is one implementation's part in a benchmark over many keys:
// worker returns, for each goroutine, a function that does one operation on
// key number i; check, if set, runs after the clock stops.
type keyedRun struct {
	worker func() func(i int)
	check  func()
}

// benchKeyed runs, for every implementation name, the operation prepare
// sets up, cycling over n keys: serially (par=serial), then from
// parallelism goroutines per GOMAXPROCS (par=parallel), each starting at a
// random key.
func benchKeyed(b *testing.B, names []string, n, parallelism int, prepare func(b *testing.B, name string) keyedRun) {
	b.Run("par=serial", func(b *testing.B) {
		for _, name := range names {
			b.Run("impl="+name, func(b *testing.B) {
				run := prepare(b, name)
				op := run.worker()
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					op(i)
					if i++; i == n {
						i = 0
					}
				}
				if run.check != nil {
					run.check()
				}
			})
		}
	})
	b.Run("par=parallel", func(b *testing.B) {
		for _, name := range names {
			b.Run("impl="+name, func(b *testing.B) {
				run := prepare(b, name)
				b.ReportAllocs()
				b.SetParallelism(parallelism)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					op := run.worker()
					i := rand.IntN(n)
					for pb.Next() {
						op(i)
						if i++; i == n {
							i = 0
						}
					}
				})
				if run.check != nil {
					run.check()
				}
			})
		}
	})
}
