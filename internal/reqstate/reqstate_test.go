package reqstate_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// The operations errresp registers reach its per-request state: the
// behaviour itself is tested in errresp, next to the state.
func TestOpsReachErrrespState(t *testing.T) {
	_, r := errresp.Begin(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got := reqstate.ObserverOf[errresp.Observer](r); got != nil {
		t.Fatal("an observer on a fresh request")
	}
	var seen int
	r = reqstate.WithObserver(errresp.WithRequestID(r, "req-1"), errresp.Observer(func(_ *http.Request, _ *errresp.Error, status int) { seen = status }))
	if reqstate.ObserverOf[errresp.Observer](r) == nil {
		t.Fatal("ObserverOf does not return the observer WithObserver registered")
	}
	if v := reqstate.RequestIDHeaderValue(r); len(v) != 1 || v[0] != "req-1" {
		t.Fatalf("RequestIDHeaderValue = %q", v)
	}
	type key struct{}
	if !reqstate.Attach(r, key{}, 7) || r.Context().Value(key{}) != 7 {
		t.Fatal("Attach did not keep the value in the state")
	}

	fw, fr := reqstate.Fork(httptest.NewRecorder(), r)
	if errresp.RequestID(fr.Context()) != "req-1" || reqstate.ObserverOf[errresp.Observer](fr) == nil {
		t.Fatal("Fork did not copy the request id and observer")
	}
	_, _ = errresp.Write(fw, fr, errresp.New(errresp.NotFound, ""))
	if ok, status := reqstate.Started(fr); !ok || status != 404 || seen != 404 {
		t.Fatalf("below the fork: Started = %v %d, observer saw %d", ok, status, seen)
	}
	if ok, _ := reqstate.Started(r); ok {
		t.Fatal("a write below the fork started the response above it")
	}
}
