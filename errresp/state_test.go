package errresp

import (
	"github.com/apierror/apierror/internal/reqstate"

	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTrackingWriter(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	w2, r2 := Begin(w, r)
	if w2 != w || r2 != r {
		t.Error("Begin is not idempotent")
	}
	w.WriteHeader(http.StatusEarlyHints)
	if ok, _ := started(r); ok {
		t.Error("a 1xx response counted as started")
	}
	if err := http.NewResponseController(w).Flush(); err != nil {
		t.Errorf("Flush through the tracking writer: %v", err)
	}
	if ok, status := started(r); !ok || status != 200 {
		t.Errorf("after Flush: %v %d", ok, status)
	}
	rec2 := httptest.NewRecorder()
	w2, r2 = Begin(rec2, httptest.NewRequest("GET", "/", nil))
	n, err := w2.(io.ReaderFrom).ReadFrom(strings.NewReader("streamed"))
	if err != nil || n != 8 || rec2.Body.String() != "streamed" {
		t.Errorf("ReadFrom = %d, %v, body %q", n, err, rec2.Body)
	}
	if ok, status := started(r2); !ok || status != 200 {
		t.Errorf("after ReadFrom: %v %d", ok, status)
	}
	if http.NewResponseController(w2).EnableFullDuplex() == nil {
		t.Log("recorder supports full duplex")
	}
}

func TestContextHelpers(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	if RequestID(r.Context()) != "" || StyleOf(r) != Default || observerOf(r) != nil {
		t.Fatal("a bare request has state")
	}
	r = WithRequestID(r, "one")
	r = WithStyle(r, GPCN())
	called := false
	r = WithObserver(r, func(*http.Request, *Error, int) { called = true })
	if RequestID(r.Context()) != "one" || StyleOf(r) != GPCN() || observerOf(r) == nil {
		t.Fatalf("without Begin: id %q style %s", RequestID(r.Context()), StyleOf(r).Name)
	}
	// Begin after WithStyle keeps the state and starts tracking.
	tw, r2 := Begin(httptest.NewRecorder(), r)
	if r2 != r || StyleOf(r2) != GPCN() {
		t.Error("Begin replaced existing state")
	}
	_, _ = tw.Write([]byte("x"))
	if ok, _ := started(r2); !ok {
		t.Error("Begin after WithStyle does not track the response")
	}
	r = WithObserver(httptest.NewRequest("GET", "/", nil), observerOf(r))
	r = WithStyle(WithRequestID(r, "one"), GPCN())
	job := WithRequestID(httptest.NewRequest("GET", "/", nil).WithContext(context.Background()), "job-1")
	if RequestID(job.Context()) != "job-1" {
		t.Error("WithRequestID on a request without state")
	}
	rec := httptest.NewRecorder()
	if _, err := Write(rec, r, New(NotFound, "")); err != nil {
		t.Fatal(err)
	}
	if !called || !strings.Contains(rec.Body.String(), `"error":"NOT_FOUND"`) {
		t.Errorf("observer %v, body %s", called, rec.Body)
	}
}

func TestObserverSeesEveryWrite(t *testing.T) {
	t.Parallel()
	var got []string
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	r = WithStyle(r, DevDocs())
	r = WithObserver(r, func(req *http.Request, e *Error, status int) {
		got = append(got, fmt.Sprintf("%s %s %d", req.URL.Path, e.Kind, status))
	})
	_, _ = Write(w, r, errors.New("boom"))
	if len(got) != 1 || got[0] != "/ internal 500" {
		t.Errorf("observer saw %v", got)
	}
}

func TestForkAndHeaderValue(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	if requestIDHeaderValue(r) != nil {
		t.Error("a header value without an id")
	}
	r = WithObserver(WithStyle(WithRequestID(r, "parent"), GPCN()), func(*http.Request, *Error, int) {})
	if v := requestIDHeaderValue(r); len(v) != 1 || v[0] != "parent" {
		t.Errorf("requestIDHeaderValue = %q", v)
	}
	buf := httptest.NewRecorder()
	fw, fr := Fork(buf, r)
	if RequestID(fr.Context()) != "parent" || StyleOf(fr) != GPCN() || observerOf(fr) == nil {
		t.Fatal("fork did not copy the state")
	}
	_, _ = fw.Write([]byte("buffered"))
	fr = WithStyle(fr, DevDocs())
	if ok, _ := started(fr); !ok {
		t.Error("the fork does not track its writer")
	}
	if ok, _ := started(r); ok || StyleOf(r) != GPCN() {
		t.Error("the fork reached the parent's state")
	}
	if _, err := Write(w, r, New(NotFound, "")); err != nil || rec.Code != 404 {
		t.Errorf("parent Write after fork: %v %d", err, rec.Code)
	}
	_, fr2 := Fork(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if RequestID(fr2.Context()) != "" || StyleOf(fr2) != Default {
		t.Error("fork of a bare request")
	}
}

// TestAttach keeps a value in the per-request state: requests derived from
// the request see it, a later attach with the same key replaces it, another
// key finds no room, and a request without state keeps nothing.
func TestAttach(t *testing.T) {
	t.Parallel()
	type keyA struct{}
	type keyB struct{}
	bare := httptest.NewRequest(http.MethodGet, "/", nil)
	if attach(bare, keyA{}, 1) {
		t.Fatal("attach kept a value on a request without per-request state")
	}
	_, r := Begin(httptest.NewRecorder(), bare)
	if !attach(r, keyA{}, 1) {
		t.Fatal("attach refused the first value")
	}
	type other struct{}
	derived := r.WithContext(context.WithValue(r.Context(), other{}, "x"))
	if got := derived.Context().Value(keyA{}); got != 1 {
		t.Fatalf("a derived request sees %v, want 1", got)
	}
	if !attach(derived, keyA{}, 2) || r.Context().Value(keyA{}) != 2 {
		t.Fatalf("attach with the same key did not replace the value: %v", r.Context().Value(keyA{}))
	}
	if attach(r, keyB{}, 3) || r.Context().Value(keyB{}) != nil {
		t.Fatal("attach kept a second key")
	}
	if attach(r, nil, 3) {
		t.Fatal("attach kept a nil key")
	}
}

// The per-request record's own operations, as the middleware calls them.
var (
	started              = reqstate.Started
	attach               = reqstate.Attach
	requestIDHeaderValue = reqstate.RequestIDHeader
)

// observerOf returns the observers registered for r, or nil.
func observerOf(r *http.Request) Observer {
	if st := stateFrom(r.Context()); st != nil {
		return st.observer
	}
	return nil
}

// countingWriter wraps the writer Begin returned, as an access log does.
type countingWriter struct {
	http.ResponseWriter
	status, n int
}

func (c *countingWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = 200
	}
	n, err := c.ResponseWriter.Write(b)
	c.n += n
	return n, err
}

// Begin given a wrapper of the request's writer lays a writer over it:
// an error response below is answered with its envelope through the
// wrapper, which counts what the client gets; the layer's interception
// setting holds for the writer below, and the envelope is reported once.
func TestBeginLaysOverAWrapper(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	r = WithRequestID(r, "req-1")
	cw := &countingWriter{ResponseWriter: w}
	lw, lr := Begin(cw, r)
	if lw == http.ResponseWriter(cw) || lr == r || RequestID(lr.Context()) != "req-1" {
		t.Fatal("no layer over the wrapper")
	}
	if again, ar := Begin(lw, lr); again != lw || ar != lr {
		t.Fatal("Begin with the layer's own writer is not idempotent")
	}
	http.Error(lw, "pq: secret", 500)
	if e := Finish(lw, lr); e == nil || e.HTTPStatus != 500 {
		t.Fatalf("Finish of the layer = %v", e)
	}
	if cw.status != 500 || cw.n != rec.Body.Len() || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("the wrapper counted %d %dB; the client got %d %dB %s", cw.status, cw.n, rec.Code, rec.Body.Len(), rec.Body)
	}
	if e := Finish(w, r); e != nil {
		t.Fatalf("reported twice: %v", e)
	}

	// Intercept(false) on a layer holds for the writer below it.
	rec = httptest.NewRecorder()
	w, r = Begin(rec, httptest.NewRequest("GET", "/", nil))
	lw, lr = Begin(&countingWriter{ResponseWriter: w}, r)
	lr = WithIntercept(lr, false)
	http.Error(lw, "plain", 404)
	Finish(lw, lr)
	Finish(w, r)
	if rec.Body.String() != "plain\n" {
		t.Fatalf("an opted-out error became %q", rec.Body)
	}
}
