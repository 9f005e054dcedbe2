package errresp

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"unsafe"
)

// HeaderRequestID is the header that carries the request id on every response.
const HeaderRequestID = "X-Request-ID"

// headerRequestIDKey is HeaderRequestID in the canonical form http.Header
// keys take.
const headerRequestIDKey = "X-Request-Id"

// Observer is called once for every failure Write sends, whoever produced it,
// with the request, the error as written and the status it was written with.
// It runs before the body is written and must not write to the response.
type Observer func(r *http.Request, e *Error, status int)

type ctxKey struct{}

// state is the per-request record the middleware keeps in the request's
// context: one allocation carries the request id, its header value, the
// style, the observer and whether the response has started. It doubles as the
// tracking ResponseWriter that Begin installs.
type state struct {
	http.ResponseWriter
	id       string
	idHeader [1]string
	style    *Style
	observer Observer
	status   int       // first status sent, 0 while the response has not started
	ctx      *stateCtx // the context that carries the state
}

// stateCtx is the context that carries a state: one allocation holds the
// context, the state and the storage of a request id recorded with
// WithRequestIDFrom. It answers ctxKey itself and forwards every other key
// to its parent.
type stateCtx struct {
	context.Context
	st    state
	idBuf [maxInlineID]byte
}

// maxInlineID is the longest request id WithRequestIDFrom keeps in the
// state's own allocation.
const maxInlineID = 32

// Value implements context.Context.
func (c *stateCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return &c.st
	}
	return c.Context.Value(key)
}

// withState returns a context carrying a new state, which it returns too.
func withState(parent context.Context) (context.Context, *state) {
	c := &stateCtx{Context: parent}
	c.st.ctx = c
	return c, &c.st
}

func stateFrom(ctx context.Context) *state {
	st, _ := ctx.Value(ctxKey{}).(*state)
	return st
}

// Begin prepares a request for the library: it returns a ResponseWriter that
// records when the response starts (so Write never writes into a started
// response) and a request whose context carries the per-request state that
// RequestID, style selection and the observer use. It is idempotent: a request
// that has been through Begin is returned as it is. The middleware calls it;
// a service calls it only when it mounts none of the middleware.
func Begin(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if st := stateFrom(r.Context()); st != nil {
		if st.ResponseWriter == nil {
			// State made by WithStyle or WithRequestID before Begin: start
			// tracking now.
			st.ResponseWriter = w
			return st, r
		}
		return w, r
	}
	ctx, st := withState(r.Context())
	st.ResponseWriter = w
	return st, r.WithContext(ctx)
}

// Started reports whether the response to r has begun (a status or body byte
// was sent through the writer Begin returned), and the status sent.
func Started(r *http.Request) (bool, int) {
	if st := stateFrom(r.Context()); st != nil && st.status != 0 {
		return true, st.status
	}
	return false, 0
}

// WithRequestID records id as the request's id. On a request that has been
// through Begin it updates the state in place and returns r; otherwise it
// returns a copy of r whose context carries id.
func WithRequestID(r *http.Request, id string) *http.Request {
	if st := stateFrom(r.Context()); st != nil {
		st.id = id
		return r
	}
	return r.WithContext(ContextWithRequestID(r.Context(), id))
}

// WithRequestIDFrom records the id spelled by b as the request's id, like
// WithRequestID, and, on a request that has been through Begin, keeps its
// bytes (up to 32) in the per-request state's own allocation, so that
// recording a generated id costs nothing more. b may be reused afterwards.
func WithRequestIDFrom(r *http.Request, b []byte) *http.Request {
	st := stateFrom(r.Context())
	if st == nil || st.ctx == nil || len(b) == 0 || len(b) > maxInlineID || b[0] == 0 || st.ctx.idBuf[0] != 0 {
		return WithRequestID(r, string(b))
	}
	// The buffer is written once and never again (its first byte is no
	// longer 0), so the string over it never changes.
	n := copy(st.ctx.idBuf[:], b)
	st.id = unsafe.String(&st.ctx.idBuf[0], n)
	return r
}

// RequestIDHeaderValue returns r's request id as a header value (a slice of
// one) that lives in the per-request state's allocation, so that setting it
// costs nothing more; nil when r has no id. The slice must not be modified.
func RequestIDHeaderValue(r *http.Request) []string {
	st := stateFrom(r.Context())
	if st == nil || st.id == "" {
		return nil
	}
	st.idHeader[0] = st.id
	return st.idHeader[:]
}

// Fork gives code that runs the rest of a request on another writer (a
// buffer, as a timeout does, or a goroutine of its own) a per-request state
// of its own: the returned request's context carries a copy of r's request
// id, style and observer, and the returned writer tracks w alone. What
// happens below the fork (a write, a style chosen) does not reach r's state,
// so the two sides never race.
func Fork(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	ctx, st := withState(r.Context())
	st.ResponseWriter = w
	if old := stateFrom(r.Context()); old != nil {
		st.id, st.style, st.observer = old.id, old.style, old.observer
	}
	return st, r.WithContext(ctx)
}

// ContextWithRequestID returns a context carrying the request id, for code
// that starts work outside a request (jobs, tests).
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	if st := stateFrom(ctx); st != nil {
		st.id = id
		return ctx
	}
	ctx, st := withState(ctx)
	st.id = id
	return ctx
}

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.id
	}
	return ""
}

// WithStyle makes s the style failures of r are written in. The innermost
// call wins, so a route group may override the router's style.
func WithStyle(r *http.Request, s *Style) *http.Request {
	if st := stateFrom(r.Context()); st != nil {
		st.style = s
		return r
	}
	ctx, st := withState(r.Context())
	st.style = s
	return r.WithContext(ctx)
}

// StyleOf returns the style failures of r are written in: the one set with
// WithStyle, or Default.
func StyleOf(r *http.Request) *Style {
	if st := stateFrom(r.Context()); st != nil && st.style != nil {
		return st.style
	}
	return Default
}

// WithObserver registers fn to see every failure Write sends for r. A later
// call replaces an earlier one; wrap the earlier one to chain them.
func WithObserver(r *http.Request, fn Observer) *http.Request {
	if st := stateFrom(r.Context()); st != nil {
		st.observer = fn
		return r
	}
	ctx, st := withState(r.Context())
	st.observer = fn
	return r.WithContext(ctx)
}

// ObserverOf returns the observer registered for r, or nil.
func ObserverOf(r *http.Request) Observer {
	if st := stateFrom(r.Context()); st != nil {
		return st.observer
	}
	return nil
}

// The tracking writer. It records the first status and forwards everything,
// including the optional interfaces through Unwrap (http.ResponseController).

func (st *state) WriteHeader(code int) {
	if st.status == 0 && code >= 200 || code == http.StatusSwitchingProtocols {
		st.status = code
	}
	st.ResponseWriter.WriteHeader(code)
}

func (st *state) Write(b []byte) (int, error) {
	if st.status == 0 {
		st.status = http.StatusOK
	}
	return st.ResponseWriter.Write(b)
}

func (st *state) ReadFrom(src io.Reader) (int64, error) {
	if st.status == 0 {
		st.status = http.StatusOK
	}
	if rf, ok := st.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{st.ResponseWriter}, src)
}

// Flush implements http.Flusher when the underlying writer can flush.
func (st *state) Flush() {
	if st.status == 0 {
		st.status = http.StatusOK
	}
	_ = http.NewResponseController(st.ResponseWriter).Flush()
}

// Hijack implements http.Hijacker; after it the response counts as started.
func (st *state) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(st.ResponseWriter).Hijack()
	if err == nil {
		st.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (st *state) Unwrap() http.ResponseWriter { return st.ResponseWriter }
