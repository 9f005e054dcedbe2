package errresp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"runtime/debug"
)

// minimalPanicBody is the fixed 500's body for a style whose encoder
// panics even on the generic internal error.
const minimalPanicBody = `{"status":500,"title":"Internal Server Error"}` + "\n"

// panicBody returns the style's fixed 500 body, encoded once: the generic
// Internal envelope (the style's message for the kind, as every other 500
// says) without a request id, or minimalPanicBody when the
// style's encoder panics on it too.
func (s *Style) panicBody() []byte {
	s.panicOnce.Do(func() {
		s.fixed500 = []byte(minimalPanicBody)
		defer func() { _ = recover() }()
		if b, status := Render(s, New(Internal, ""), ""); status == http.StatusInternalServerError {
			s.fixed500 = b
		}
	})
	return s.fixed500
}

// guard runs fn, a step of writing an envelope that runs code of the
// service's (an Observer, a style's Encode), and returns the value it
// panicked with, or nil. http.ErrAbortHandler is panicked on, as net/http
// asks.
func guard(fn func()) (v any) {
	defer func() {
		if v = recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
		}
	}()
	fn()
	return nil
}

// writePanicked answers r, whose envelope for e could not be written because
// step panicked with v, with the style's fixed 500, and logs the panic once
// at Error level through slog's default logger, with the request id. The
// error's own headers (challenges, Retry-After) are removed: they belonged
// to the answer that could not be sent. The Observer is not called again.
func writePanicked(w http.ResponseWriter, r *http.Request, st *state, style *Style, e *Error, id, step string, v any) (int, error) {
	h := w.Header()
	for k := range e.Header {
		delete(h, textproto.CanonicalMIMEHeaderKey(k))
	}
	delete(h, "Retry-After")
	h["Content-Type"] = style.ctHeader
	ctx := context.Background()
	if r != nil {
		ctx = r.Context()
	}
	log := slog.Default()
	if rs := stateFrom(ctx); rs != nil && rs.Logger != nil {
		log = rs.Logger // middleware.LogTo's
	}
	log.LogAttrs(ctx, slog.LevelError, "panic while writing an error response; a fixed 500 sent",
		slog.String("request_id", id), slog.String("step", step), slog.String("kind", e.Kind.String()),
		slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
	if st != nil {
		st.release()
		st.Writing = true
	}
	w.WriteHeader(http.StatusInternalServerError)
	_, werr := w.Write(style.panicBody())
	if st != nil {
		st.Writing = false
	}
	return http.StatusInternalServerError, werr
}
