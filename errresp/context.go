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
// tracking ResponseWriter that Begin installs, which also intercepts error
// responses written without the library (see intercept.go).
type state struct {
	http.ResponseWriter
	id       string
	idHeader [1]string
	style    *Style
	observer Observer
	// status is the first status sent, 0 while the response has not
	// started; with the two flags that follow it fits one word, so that a
	// request's copy and its state fit one 512-byte allocation.
	status int32
	// passThrough turns interception off (WithIntercept(r, false)).
	passThrough bool
	// jsonAlone leaves JSON error responses alone (WithInterceptJSON).
	jsonAlone bool
	// writing is set while Write sends an envelope through the writer.
	writing bool
	req     *http.Request // the request as last seen by Begin or Finish, for the observer
	hold    *held         // an intercepted error response held back; nil on the success path
	caught  *Error        // the envelope an interception wrote, until Finish reports it
	idKey   any           // another context key the request id is visible under
	// body tracks the request body (Begin installs it on a request with a
	// body; fork shares the tracker of the state it forks), nil otherwise.
	body *bodyTracker
	ctx  *stateCtx // the context that carries the state
	// attachKey and attachVal are the value kept with attach.
	attachKey, attachVal any
}

// stateCtx is the context that carries a state: one allocation holds the
// context, the state and the storage of a request id recorded with
// WithRequestIDFrom. It answers ctxKey itself, the request id under the
// state's idKey as well, and forwards every other key to its parent.
type stateCtx struct {
	context.Context
	st    state
	idBuf [maxInlineID]byte
}

// maxInlineID is the longest request id WithRequestIDFrom keeps in the
// state's own allocation.
const maxInlineID = 32

// Value answers the state, the request id under idKey, or asks the parent.
func (c *stateCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return &c.st
	}
	if c.st.idKey != nil && c.st.id != "" && key == c.st.idKey {
		return c.st.id
	}
	if c.st.attachKey != nil && key == c.st.attachKey {
		return c.st.attachVal
	}
	return c.Context.Value(key)
}

// withState returns a context carrying a new state, which it returns too.
func withState(parent context.Context) (context.Context, *state) {
	c := &stateCtx{Context: parent}
	c.st.ctx = c
	return c, &c.st
}

// stateReq is a request's copy and the context that carries its new state,
// in one allocation.
type stateReq struct {
	c stateCtx
	r http.Request
}

// withStateReq returns a new state and a copy of r whose context carries
// it, as r.WithContext would, both in one allocation.
func withStateReq(r *http.Request) (*state, *http.Request) {
	b := &stateReq{c: stateCtx{Context: r.Context()}}
	b.c.st.ctx = &b.c
	// WithContext is inlined and its copy does not escape: only b is made.
	b.r = *r.WithContext(&b.c)
	return &b.c.st, &b.r
}

// stateIn returns the state ctx carries and ctx, or, when it carries none,
// a new state and a context that carries it.
func stateIn(ctx context.Context) (*state, context.Context) {
	if st := stateFrom(ctx); st != nil {
		return st, ctx
	}
	ctx, st := withState(ctx)
	return st, ctx
}

// stateFor is stateIn for a request: r's state and r, or a new state and a
// copy of r whose context carries it.
func stateFor(r *http.Request) (*state, *http.Request) {
	if st := stateFrom(r.Context()); st != nil {
		return st, r
	}
	return withStateReq(r)
}

func stateFrom(ctx context.Context) *state {
	if c, ok := ctx.(*stateCtx); ok {
		return &c.st
	}
	st, _ := ctx.Value(ctxKey{}).(*state)
	return st
}

// Begin prepares a request for the library: it returns a ResponseWriter that
// records when the response starts (so Write never writes into a started
// response) and intercepts error responses from code that does not know the
// library (see Finish and WithIntercept), and a request whose context
// carries the per-request state that RequestID, style selection and the
// observer use. It is idempotent: a request that has been through Begin is
// returned as it is. The middleware calls it, and Finish once the handler
// below returns; a service calls them only when it mounts none of the
// middleware.
func Begin(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if st := stateFrom(r.Context()); st != nil {
		if st.ResponseWriter == nil {
			// State made by WithStyle or WithRequestID before Begin: start
			// tracking now.
			st.ResponseWriter = w
			st.req = r
			return st, r
		}
		return w, r
	}
	st, r := withStateReq(r)
	st.ResponseWriter = w
	st.track(r)
	st.req = r
	return st, r
}

// started reports whether the response to r has begun (a status or body byte
// was sent through the writer Begin returned), and the status sent. An error
// response the writer holds back to intercept has not begun: Write may still
// answer the request, and replaces it.
func started(r *http.Request) (bool, int) {
	if st := stateFrom(r.Context()); st != nil && st.status != 0 {
		return true, int(st.status)
	}
	return false, 0
}

// WithRequestID records id as the request's id. On a request that has been
// through Begin it updates the state in place and returns r; otherwise it
// returns a copy of r whose context carries id.
func WithRequestID(r *http.Request, id string) *http.Request {
	st, r := stateFor(r)
	st.id = id
	return r
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

// requestIDHeaderValue returns r's request id as a header value (a slice of
// one) that lives in the per-request state's allocation, so that setting it
// costs nothing more; nil when r has no id. The slice must not be modified.
func requestIDHeaderValue(r *http.Request) []string {
	st := stateFrom(r.Context())
	if st == nil || st.id == "" {
		return nil
	}
	st.idHeader[0] = st.id
	return st.idHeader[:]
}

// fork gives code that runs the rest of a request on another writer (a
// buffer, as a timeout does, or a goroutine of its own) a per-request state
// of its own: the returned request's context carries a copy of r's request
// id, style, observer and interception setting, and the returned writer
// tracks (and intercepts) w alone; call Finish with it when the code below
// returns. What happens below the fork (a write, a style chosen) does not
// reach r's state, so the two sides never race.
func fork(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	old := stateFrom(r.Context())
	st, r := withStateReq(r)
	st.ResponseWriter = w
	if old != nil {
		st.id, st.style, st.observer, st.body = old.id, old.style, old.observer, old.body
		st.idKey, st.passThrough, st.jsonAlone = old.idKey, old.passThrough, old.jsonAlone
	}
	st.req = r
	return st, r
}

// attach keeps val under key in r's per-request state (see Begin), where
// r.Context().Value(key) finds it for the rest of the request, on r and on
// every request derived from it, so that middleware can record something
// for the handlers below without copying the request. A later attach with
// the same key replaces val. attach reports false, keeping nothing, when r
// has no per-request state or its state already keeps a value under another
// key (it has room for one); the caller then carries val in a context of
// its own. key must be comparable and non-nil, as for context.WithValue.
func attach(r *http.Request, key, val any) bool {
	st := stateFrom(r.Context())
	if st == nil || st.ctx == nil || key == nil || (st.attachKey != nil && st.attachKey != key) {
		return false
	}
	st.attachKey, st.attachVal = key, val
	return true
}

// ContextWithRequestID returns a context carrying the request id, for code
// that starts work outside a request (jobs, tests).
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	st, ctx := stateIn(ctx)
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
	st, r := stateFor(r)
	st.style = s
	return r
}

// StyleOf returns the style failures of r are written in: the one set with
// WithStyle, or Default.
func StyleOf(r *http.Request) *Style {
	if st := stateFrom(r.Context()); st != nil && st.style != nil {
		return st.style
	}
	return Default
}

// withObserver registers fn to see every failure Write sends for r. A later
// call replaces an earlier one; wrap the earlier one to chain them.
func withObserver(r *http.Request, fn Observer) *http.Request {
	st, r := stateFor(r)
	st.observer = fn
	return r
}

// observerOf returns the observer registered for r, or nil.
func observerOf(r *http.Request) Observer {
	if st := stateFrom(r.Context()); st != nil {
		return st.observer
	}
	return nil
}

// The tracking writer. It records the first status, holds back an error
// response to intercept (intercept.go), and forwards everything else,
// including the optional interfaces through Unwrap (http.ResponseController).

func (st *state) WriteHeader(code int) {
	switch {
	case st.writing:
	case st.hold != nil:
		return // an intercepted response: later statuses mean nothing
	case code >= 400 && code <= 599 && st.status == 0 && !st.passThrough && !(st.jsonAlone && jsonContent(st.ResponseWriter.Header())):
		st.intercept(code)
		return
	}
	if st.status == 0 && code >= 200 || code == http.StatusSwitchingProtocols {
		st.status = int32(code)
	}
	st.ResponseWriter.WriteHeader(code)
}

func (st *state) Write(b []byte) (int, error) {
	if st.hold != nil && !st.writing {
		return st.hold.Write(b)
	}
	if st.status == 0 {
		st.status = http.StatusOK
	}
	return st.ResponseWriter.Write(b)
}

func (st *state) ReadFrom(src io.Reader) (int64, error) {
	if st.hold != nil {
		return io.Copy(st.hold, src)
	}
	if st.status == 0 {
		st.status = http.StatusOK
	}
	if rf, ok := st.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{st.ResponseWriter}, src)
}

// Flush implements http.Flusher when the underlying writer can flush. An
// intercepted error response is answered with its envelope first.
func (st *state) Flush() {
	if st.hold != nil {
		st.emit()
	}
	if st.status == 0 {
		st.status = http.StatusOK
	}
	_ = http.NewResponseController(st.ResponseWriter).Flush()
}

// Hijack implements http.Hijacker; after it the response counts as started.
// An intercepted error response still held back is dropped: the connection
// belongs to the handler now.
func (st *state) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(st.ResponseWriter).Hijack()
	if err == nil {
		st.release()
		st.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (st *state) Unwrap() http.ResponseWriter { return st.ResponseWriter }
