package reqstate_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// The State errresp.Begin puts in the context is the one this package
// reads: the id errresp records, the status its writer sees, a value
// attached here, and a fork's copy.
func TestStateIsErrrespState(t *testing.T) {
	w, r := errresp.Begin(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if reqstate.From(r.Context()) == nil {
		t.Fatal("no State after Begin")
	}
	if reqstate.RequestIDHeader(r) != nil {
		t.Fatal("a header value without an id")
	}
	r = errresp.WithRequestID(r, "req-1")
	if v := reqstate.RequestIDHeader(r); len(v) != 1 || v[0] != "req-1" {
		t.Fatalf("RequestIDHeader = %q", v)
	}
	type key struct{}
	if !reqstate.Attach(r, key{}, 7) || r.Context().Value(key{}) != 7 {
		t.Fatal("Attach did not keep the value in the state")
	}
	fw, fr := errresp.Fork(httptest.NewRecorder(), r)
	if st := reqstate.From(fr.Context()); st == nil || st.ID != "req-1" {
		t.Fatal("Fork did not copy the request id")
	}
	if fr.Context().Value(key{}) != 7 {
		t.Fatal("the attached value is not visible below the fork")
	}
	_, _ = errresp.Write(fw, fr, errresp.New(errresp.NotFound, ""))
	if ok, status := reqstate.Started(fr); !ok || status != 404 {
		t.Fatalf("below the fork: Started = %v %d", ok, status)
	}
	if ok, _ := reqstate.Started(r); ok {
		t.Fatal("a write below the fork started the response above it")
	}
	w.WriteHeader(http.StatusNoContent)
	if ok, status := reqstate.Started(r); !ok || status != 204 {
		t.Fatalf("Started = %v %d", ok, status)
	}
}

// A request without state has none of it, and keeps nothing attached.
func TestNoState(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if reqstate.From(r.Context()) != nil || reqstate.RequestIDHeader(r) != nil {
		t.Fatal("state on a bare request")
	}
	if ok, _ := reqstate.Started(r); ok {
		t.Fatal("a bare request started")
	}
	type key struct{}
	if reqstate.Attach(r, key{}, 1) {
		t.Fatal("Attach kept a value without a State")
	}
}

// TestSetIDFrom keeps a generated id's bytes in the State: the caller's
// buffer is not the id's storage, the buffer is written once (a second id
// is refused, the first unchanged), and ids it cannot hold are refused.
func TestSetIDFrom(t *testing.T) {
	_, r := errresp.Begin(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	st := reqstate.From(r.Context())
	b := []byte("first-id")
	if !st.SetIDFrom(b) {
		t.Fatal("SetIDFrom refused the first id")
	}
	copy(b, "XXXXXXXX")
	if got := errresp.RequestID(r.Context()); got != "first-id" {
		t.Fatalf("id %q, want first-id", got)
	}
	first := st.ID
	if st.SetIDFrom([]byte("second-id")) || first != "first-id" || st.ID != "first-id" {
		t.Fatalf("a second SetIDFrom: id %q, first %q; want it refused and the first unchanged", st.ID, first)
	}
	var fresh reqstate.State
	for _, bad := range [][]byte{nil, {}, {0, 'a'}, []byte("0123456789abcdef0123456789abcdef0")} {
		if fresh.SetIDFrom(bad) || fresh.ID != "" {
			t.Fatalf("SetIDFrom(%q) recorded %q", bad, fresh.ID)
		}
	}
	if !fresh.SetIDFrom([]byte("ok")) || fresh.ID != "ok" {
		t.Fatalf("SetIDFrom on a zero State: %q", fresh.ID)
	}
}
