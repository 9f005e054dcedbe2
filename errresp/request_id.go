package errresp

import (
	"context"
	"net/http"
)

// HeaderRequestID is the header that carries the request id on every response.
const HeaderRequestID = "X-Request-ID"

// headerRequestIDKey is HeaderRequestID in the canonical form http.Header
// keys take.
const headerRequestIDKey = "X-Request-Id"

// WithRequestID records id as the request's id, read back with RequestID
// from r's context (and every context derived from it). It is the one way to
// set a request id: middleware.RequestID calls it for each request (mount
// that rather than calling this), and code outside a request (a job, a test)
// calls it on the outgoing request, whose context then carries the id. On a
// request that has been through Begin it updates the state in place and
// returns r; otherwise it returns a copy of r whose context carries id.
func WithRequestID(r *http.Request, id string) *http.Request {
	st, r := stateFor(r)
	st.ID = id
	return r
}

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.ID
	}
	return ""
}
