package errresp

import "net/http"

// Observer is called once for every failure Write sends, whoever produced it,
// with the request, the error as written and the status it was written with.
// It runs before the body is written and must not write to the response.
type Observer func(r *http.Request, e *Error, status int)

// WithObserver adds fn to the observers of r: every failure Write sends for
// r, and for the requests derived from it, is shown to the observers added
// before fn first, then to fn. On a request that has been through Begin it
// updates the state in place and returns r; otherwise it returns a copy of
// r whose context carries fn. middleware.OnError is the middleware form.
func WithObserver(r *http.Request, fn Observer) *http.Request {
	if fn == nil {
		return r
	}
	st, r := stateFor(r)
	if prev := st.observer; prev != nil {
		st.observer = func(r *http.Request, e *Error, status int) {
			prev(r, e, status)
			fn(r, e, status)
		}
	} else {
		st.observer = fn
	}
	return r
}
