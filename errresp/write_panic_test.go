package errresp

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A style whose Encode panics on a kind still answers: the style's Internal
// envelope, encoded once, without the error's own headers.
func TestWriteEncodePanics(t *testing.T) {
	t.Parallel()
	s := &Style{Name: "ratelimit-panics", ContentType: "application/problem+json", Codes: Problem().Codes,
		Encode: func(o *Object, env *Envelope) {
			if env.Kind == RateLimited {
				panic("no code")
			}
			Problem().Encode(o, env)
		}}
	want, _ := Render(s, New(Internal, ""), "")
	for range 2 { // encoded once, sent twice alike
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		e := New(RateLimited, "slow down").WithHeader("RateLimit", `"x";r=0`)
		e.RetryAfter = time.Minute
		status, err := Write(rec, WithStyle(r, s), e)
		if status != http.StatusInternalServerError || err != nil || rec.Code != 500 {
			t.Fatalf("Write = %d, %v; recorded %d, want 500", status, err, rec.Code)
		}
		if rec.Body.String() != string(want) {
			t.Errorf("body %q, want %q", rec.Body, want)
		}
		if h := rec.Header(); h.Get("Retry-After") != "" || h.Get("RateLimit") != "" || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("headers %v: the error's own headers left, or the style's Content-Type missing", h)
		}
	}
}

// http.ErrAbortHandler from an Observer is not swallowed: net/http aborts
// the response as asked.
func TestWriteObserverAbortRepanics(t *testing.T) {
	t.Parallel()
	w, r := Begin(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	r = WithObserver(r, func(*http.Request, *Error, int) { panic(http.ErrAbortHandler) })
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	_, _ = Write(w, r, New(NotFound, ""))
	t.Error("Write returned")
}

// Write without a request (a nil r, as Write allows) still answers when the
// default style's encoder panics: there is no request to log with.
func TestWritePanicsWithoutRequest(t *testing.T) {
	t.Parallel()
	s := &Style{Name: "no-request", ContentType: "application/json", Codes: GPCN().Codes,
		Encode: func(*Object, *Envelope) { panic("broken") }}
	e := New(NotFound, "")
	rec := httptest.NewRecorder()
	if v := guard(func() { _, _ = writePanicked(rec, nil, nil, s, e, "", "encode", "broken") }); v != nil {
		t.Fatalf("writePanicked without a request panicked: %v", v)
	}
	if rec.Code != 500 || rec.Body.String() != minimalPanicBody {
		t.Errorf("%d %q, want 500 and the minimal body", rec.Code, rec.Body)
	}
}
