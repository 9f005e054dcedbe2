// Package reqstate is the module's own access to the per-request state that
// package errresp keeps in a request's context (the request id, the style,
// the error observer, and the writer that records whether the response has
// started): the operations the middleware and ratelimit packages need and a
// service does not.
//
// errresp owns the state and implements the operations; it hands them to
// this package once, when it is initialised (Register), so that errresp
// imports nothing of the module but this package and this package imports
// nothing of the module at all. Every package that calls these functions
// imports errresp too, so the operations are always registered before they
// are used; calling one without errresp in the program panics.
//
// The observer is errresp.Observer, a type this package cannot name, so
// WithObserver and ObserverOf take it as a type parameter:
//
//	prev := reqstate.ObserverOf[errresp.Observer](r)
package reqstate

import "net/http"

// Ops are the operations errresp implements over its per-request state.
type Ops struct {
	// Fork gives the rest of a request, run on another writer, a state of
	// its own: see the package functions of the same names.
	Fork                 func(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request)
	Started              func(r *http.Request) (bool, int)
	RequestIDHeaderValue func(r *http.Request) []string
	Attach               func(r *http.Request, key, val any) bool
	// WithObserver and ObserverOf take and give an errresp.Observer (nil
	// when there is none) as an any.
	WithObserver func(r *http.Request, fn any) *http.Request
	ObserverOf   func(r *http.Request) any
}

var ops Ops

// Register makes o the operations of the package functions. errresp calls
// it from its init function; nothing else may.
func Register(o Ops) { ops = o }

// Fork gives code that runs the rest of a request on another writer (a
// buffer, as a timeout does, or a goroutine of its own) a per-request state
// of its own: the returned request's context carries a copy of r's request
// id, style, observer and interception setting, and the returned writer
// tracks (and intercepts) w alone; call errresp.Finish with it when the code
// below returns. What happens below the fork (a write, a style chosen) does
// not reach r's state, so the two sides never race.
func Fork(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	return ops.Fork(w, r)
}

// Started reports whether the response to r has begun (a status or body
// byte was sent through the writer errresp.Begin returned), and the status
// sent. An error response the writer holds back to intercept has not begun:
// errresp.Write may still answer the request, and replaces it.
func Started(r *http.Request) (bool, int) { return ops.Started(r) }

// RequestIDHeaderValue returns r's request id as a header value (a slice of
// one) that lives in the per-request state's allocation, so that setting it
// costs nothing more; nil when r has no id. The slice must not be modified.
func RequestIDHeaderValue(r *http.Request) []string { return ops.RequestIDHeaderValue(r) }

// Attach keeps val under key in r's per-request state (see errresp.Begin),
// where r.Context().Value(key) finds it for the rest of the request, on r
// and on every request derived from it, so that middleware can record
// something for the handlers below without copying the request. A later
// Attach with the same key replaces val. Attach reports false, keeping
// nothing, when r has no per-request state or its state already keeps a
// value under another key (it has room for one); the caller then carries
// val in a context of its own. key must be comparable and non-nil, as for
// context.WithValue.
func Attach(r *http.Request, key, val any) bool { return ops.Attach(r, key, val) }

// WithObserver registers fn, an errresp.Observer, to see every failure
// errresp.Write sends for r. A later call replaces an earlier one; wrap the
// earlier one (ObserverOf) to chain them. On a request that has been through
// errresp.Begin it updates the state in place and returns r; otherwise it
// returns a copy of r whose context carries fn.
func WithObserver[O any](r *http.Request, fn O) *http.Request { return ops.WithObserver(r, fn) }

// ObserverOf returns the observer registered for r, or the zero O (nil)
// when there is none or it is not an O. O is errresp.Observer.
func ObserverOf[O any](r *http.Request) O {
	o, _ := ops.ObserverOf(r).(O)
	return o
}
