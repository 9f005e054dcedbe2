package errresp

import (
	"context"
	"net/http"
	"unsafe"
)

// HeaderRequestID is the header that carries the request id on every response.
const HeaderRequestID = "X-Request-ID"

// headerRequestIDKey is HeaderRequestID in the canonical form http.Header
// keys take.
const headerRequestIDKey = "X-Request-Id"

// WithRequestID records id as the request's id. On a request that has been
// through Begin it updates the state in place and returns r; otherwise it
// returns a copy of r whose context carries id.
func WithRequestID(r *http.Request, id string) *http.Request {
	st, r := stateFor(r)
	st.ID = id
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
	st.ID = unsafe.String(&st.ctx.idBuf[0], n)
	return r
}

// ContextWithRequestID returns a context carrying the request id, for code
// that starts work outside a request (jobs, tests).
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	st, ctx := stateIn(ctx)
	st.ID = id
	return ctx
}

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.ID
	}
	return ""
}
