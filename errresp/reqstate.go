package errresp

import (
	"net/http"

	"github.com/apierror/apierror/internal/reqstate"
)

// The per-request plumbing that only the module's own middleware uses
// (forking the state, whether the response started, the request id as a
// header value, attaching a value, the observer) is implemented here, over
// the state of context.go, and reached through the internal package
// reqstate, so that it is not part of errresp's API.
func init() {
	reqstate.Register(reqstate.Ops{
		Fork:                 fork,
		Started:              started,
		RequestIDHeaderValue: requestIDHeaderValue,
		Attach:               attach,
		WithObserver: func(r *http.Request, fn any) *http.Request {
			o, _ := fn.(Observer)
			return withObserver(r, o)
		},
		ObserverOf: func(r *http.Request) any {
			if o := observerOf(r); o != nil {
				return o
			}
			return nil
		},
	})
}
