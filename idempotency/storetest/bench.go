package storetest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/middleware"
)

// Bench measures what the middleware on store adds to a request, against
// the same route without it (impl=bare): a create route behind the module's
// request id and style, answering 201 with a small JSON body. req=first is a
// request with a new key each time (begin, run, finish: two store round
// trips), req=replay the same request again (one round trip, the handler
// not run). Run the sub-benchmarks in one process with -benchmem and read
// the ratios of ours to bare.
func Bench(b *testing.B, store idempotency.Store) {
	create := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/v1/vms/1")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","name":"web-1","size":2}`))
	})
	stack := func(mw ...func(http.Handler) http.Handler) http.Handler {
		var h http.Handler = create
		for i := len(mw) - 1; i >= 0; i-- {
			h = mw[i](h)
		}
		return middleware.RequestID()(middleware.Style(errresp.Problem())(h))
	}
	bare := stack()
	ours := stack(idempotency.New(store))
	body := []byte(`{"name":"web-1","size":2,"region":"eu-west"}`)
	run := func(b *testing.B, h http.Handler, key func(i int) string) {
		r, _ := http.NewRequest(http.MethodPost, "http://api.example/v1/vms", nil)
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = "192.0.2.1:1234"
		rd := bytes.NewReader(body)
		w := &discard{h: http.Header{}}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			rd.Reset(body)
			r.Body = io.NopCloser(rd)
			r.Header["Idempotency-Key"] = []string{key(i)}
			clear(w.h)
			w.status = 0
			h.ServeHTTP(w, r)
			if w.status != http.StatusCreated {
				b.Fatalf("status %d", w.status)
			}
		}
	}
	seq := 0
	fresh := func(int) string { seq++; return "bench-" + strconv.Itoa(seq) }
	same := func(int) string { return "bench-replay" }
	b.Run("req=first/impl=bare", func(b *testing.B) { run(b, bare, fresh) })
	b.Run("req=first/impl=ours", func(b *testing.B) { run(b, ours, fresh) })
	b.Run("req=replay/impl=bare", func(b *testing.B) { run(b, bare, same) })
	b.Run("req=replay/impl=ours", func(b *testing.B) { run(b, ours, same) })
}

// discard is a ResponseWriter that keeps the status and drops the body.
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header { return d.h }
func (d *discard) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}

func (d *discard) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return len(p), nil
}
