package errresp

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
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
	status   int // first status sent, 0 while the response has not started
	// body tracks the request body (Begin installs it on a request with a
	// body; Fork shares the tracker of the state it forks), nil otherwise.
	body *bodyTracker
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
	st := &state{ResponseWriter: w}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
	st.track(r)
	return st, r
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
	st := &state{ResponseWriter: w}
	if old := stateFrom(r.Context()); old != nil {
		st.id, st.style, st.observer, st.body = old.id, old.style, old.observer, old.body
	}
	return st, r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
}

// ContextWithRequestID returns a context carrying the request id, for code
// that starts work outside a request (jobs, tests).
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	if st := stateFrom(ctx); st != nil {
		st.id = id
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, &state{id: id})
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
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, &state{style: s}))
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
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, &state{observer: fn}))
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
