// Package reqstate owns the per-request record the module keeps in a
// request's context: the request id (and its header value), the logger,
// the first status sent, and one value a middleware attached. Package errresp's
// tracking writer embeds a State and puts it in the context (errresp.Begin);
// the middleware and ratelimit packages read and update it here, typed,
// without going through errresp's API. Nothing is registered at start-up:
// this package imports nothing of the module, and errresp imports it.
//
// What is typed by errresp (the style, the error observer, the intercepted
// response) stays in errresp, on the writer that embeds the State.
package reqstate

import (
	"context"
	"log/slog"
	"net/http"
	"unsafe"
)

// State is the record of one request. The zero State is a request with no
// id whose response has not started. It is not safe for concurrent use: a
// request's goroutine owns it, and code that runs the rest of a request
// elsewhere forks it (errresp.Fork).
type State struct {
	// ID is the request id, "" when there is none.
	ID string
	// IDKey, when set, is another context key the id is visible under
	// (middleware.RequestID sets chi's, so that chi's GetReqID sees the id).
	IDKey any
	// Logger, when set (middleware.LogTo), is the logger the module logs
	// the request's failures to; nil means slog.Default().
	Logger *slog.Logger

	attachKey, attachVal any

	// Status is the first status sent through the writer, 0 while the
	// response has not started. With the three flags that follow it fits one
	// word, so that a request's copy and its state fit one 512-byte
	// allocation.
	Status int32
	// PassThrough turns the interception of error responses off
	// (errresp.WithIntercept(r, false)).
	PassThrough bool
	// JSONAlone leaves JSON error responses alone
	// (errresp.WithInterceptJSON(r, false)).
	JSONAlone bool
	// Writing is set while errresp.Write sends an envelope through the
	// writer, which then passes it on without intercepting it.
	Writing bool
	// Layer is set on the state of a writer that errresp.Begin laid over a
	// wrapper (an access log's) of the request's writer; its parent
	// context carries the state of the writer below.
	Layer bool

	// idBuf holds the bytes of an id recorded with SetIDFrom, written once.
	idBuf [MaxInlineID]byte
}

// MaxInlineID is the longest request id SetIDFrom keeps in the State.
const MaxInlineID = 32

// SetIDFrom records the id spelled by b as st's ID, keeping its bytes in
// the State's own allocation, so that recording a generated id costs
// nothing more; b may be reused afterwards. It reports false, recording
// nothing, when b is empty, longer than MaxInlineID or starts with a 0
// byte, or when the State's buffer already holds an id: the caller then
// records string(b) (errresp.WithRequestID).
func (st *State) SetIDFrom(b []byte) bool {
	if len(b) == 0 || len(b) > MaxInlineID || b[0] == 0 || st.idBuf[0] != 0 {
		return false
	}
	// The buffer is written once and never again (its first byte is no
	// longer 0), so the string over it never changes.
	n := copy(st.idBuf[:], b)
	st.ID = unsafe.String(&st.idBuf[0], n)
	return true
}

// Key is the context key the State answers to: a context that carries a
// State answers Value(Key{}) with the *State (see State.Value).
type Key struct{}

// From returns the State ctx carries, or nil.
func From(ctx context.Context) *State {
	st, _ := ctx.Value(Key{}).(*State)
	return st
}

// Value answers the context keys the State owns: Key (the State itself),
// IDKey (the request id, once set) and an attached value's key. ok is false
// for every other key, which the context asks its parent for.
func (st *State) Value(k any) (v any, ok bool) {
	switch {
	case k == (Key{}):
		return st, true
	case st.IDKey != nil && st.ID != "" && k == st.IDKey:
		return st.ID, true
	case st.attachKey != nil && k == st.attachKey:
		return st.attachVal, true
	}
	return nil, false
}

// Inherit copies what a forked request keeps of old: its id, the key it is
// shared under, its logger and the interception settings. The status and
// the attached value stay with old.
func (st *State) Inherit(old *State) {
	st.ID, st.IDKey, st.Logger, st.PassThrough, st.JSONAlone = old.ID, old.IDKey, old.Logger, old.PassThrough, old.JSONAlone
}

// Started reports whether the response to r has begun (a status or body
// byte was sent through the writer errresp.Begin returned), and the status
// sent. An error response the writer holds back to intercept has not begun.
func Started(r *http.Request) (bool, int) {
	if st := From(r.Context()); st != nil && st.Status != 0 {
		return true, int(st.Status)
	}
	return false, 0
}

// IDHeader returns st's request id as a header value: a slice of one over
// st.ID itself, so that setting it costs nothing and it always holds the
// request's id; nil when there is no id. The slice must not be modified
// (http.Header's Set and Add replace it, which is fine).
func (st *State) IDHeader() []string {
	if st == nil || st.ID == "" {
		return nil
	}
	return unsafe.Slice(&st.ID, 1)
}

// RequestIDHeader is IDHeader for r's State (nil without one).
func RequestIDHeader(r *http.Request) []string { return From(r.Context()).IDHeader() }

// Attach keeps val under key in r's State, where r.Context().Value(key)
// finds it for the rest of the request, on r and on every request derived
// from it, so that middleware can record something for the handlers below
// without copying the request. A later Attach with the same key replaces
// val. Attach reports false, keeping nothing, when r has no State or its
// State already keeps a value under another key (it has room for one); the
// caller then carries val in a context of its own. key must be comparable
// and non-nil, as for context.WithValue.
func Attach(r *http.Request, key, val any) bool {
	st := From(r.Context())
	if st == nil || key == nil || (st.attachKey != nil && st.attachKey != key) {
		return false
	}
	st.attachKey, st.attachVal = key, val
	return true
}
