package errresp

import (
	"context"
	"net/http"

	"github.com/apierror/apierror/internal/reqstate"
)

// state is the per-request record the middleware keeps in the request's
// context: one allocation carries the request's reqstate.State (its id, the
// first status sent, an attached value), the style, the observer and the
// interception of error responses. It doubles as the tracking
// ResponseWriter that Begin installs (writer.go), which also intercepts
// error responses written without the library (intercept.go).
type state struct {
	http.ResponseWriter
	reqstate.State
	style    *Style
	observer Observer
	req      *http.Request // the request as last seen by Begin or Finish, for the observer
	hold     *held         // an intercepted error response held back; nil on the success path
	caught   *Error        // the envelope an interception wrote, until Finish reports it
	// body tracks the request body (Begin installs it on a request with a
	// body; Fork shares the tracker of the state it forks), nil otherwise.
	body *bodyTracker
	ctx  *stateCtx // the context that carries the state
}

// parent returns the state of the writer a layer's writer wraps (see
// Begin), nil when st is not a layer: Write marks it writing too while an
// envelope goes through.
func (st *state) parent() *state {
	if !st.Layer || st.ctx == nil {
		return nil
	}
	return stateFrom(st.ctx.Context)
}

type ctxKey struct{}

// stateCtx is the context that carries a state: one allocation holds the
// context and the state (with the storage of a request id recorded with
// reqstate.State.SetIDFrom). It answers ctxKey and the keys of the
// reqstate.State itself, and forwards every other key to its parent.
type stateCtx struct {
	context.Context
	st state
}

// Value answers the state, the keys its reqstate.State owns, or asks the
// parent.
func (c *stateCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return &c.st
	}
	if v, ok := c.st.State.Value(key); ok {
		return v
	}
	return c.Context.Value(key)
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

// stateFor returns r's state and r, or a new state and a copy of r whose
// context carries it.
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
// observer use. It is idempotent: given the writer it returned and the
// request, it returns them as they are. The middleware calls it, and Finish
// once the handler below returns; a service calls them only when it mounts
// none of the middleware.
//
// Given a request that has been through Begin with another writer (one that
// middleware between two of the library's, such as an access log, wrapped
// around the writer Begin returned), Begin adds a layer: a writer over w
// that intercepts below it, with a state that carries the request's id,
// style, observers and interception setting, as Fork's does. The envelope
// of a failure below is then written through w when Finish is called with
// the layer (the middleware calls it before returning), so the wrapper sees
// the status, bytes and headers the client receives.
func Begin(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if st := stateFrom(r.Context()); st != nil {
		if st.ResponseWriter == nil {
			// State made by WithStyle or WithRequestID before Begin: start
			// tracking now.
			st.ResponseWriter = w
			st.req = r
			return st, r
		}
		if _, ok := w.(*state); ok || st.Status != 0 {
			return w, r // the request's writer, or a response under way
		}
		l, lr := Fork(w, r)
		l.(*state).Layer = true
		return l, lr
	}
	st, r := withStateReq(r)
	st.ResponseWriter = w
	st.track(r)
	st.req = r
	return st, r
}

// Fork gives code that runs the rest of a request on another writer (a
// buffer, as middleware.Timeout does, or a goroutine of its own) a
// per-request state of its own: the returned request's context carries a
// copy of r's request id, style, observers and interception setting, and
// the returned writer tracks (and intercepts) w alone; call Finish with it
// when the code below returns. What happens below the fork (a write, a
// style chosen) does not reach r's state, so the two sides never race.
func Fork(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	old := stateFrom(r.Context())
	st, r := withStateReq(r)
	st.ResponseWriter = w
	if old != nil {
		st.Inherit(&old.State)
		st.style, st.observer, st.body = old.style, old.observer, old.body
	}
	st.req = r
	return st, r
}
