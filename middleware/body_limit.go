package middleware

import (
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// LimitBody caps request bodies at n bytes. A request whose Content-Length
// is larger is answered at once with a PayloadTooLarge (413) envelope; any
// other body is wrapped in http.MaxBytesReader, so a handler reading past
// the limit gets an *http.MaxBytesError, which errresp.From (and so a
// HandlerFunc returning it) turns into the same 413 naming the limit. In both
// cases the body is left unread, so errresp.Write sets Connection: close and
// the server closes the connection after the 413 instead of waiting for the
// rest of an oversized (or slowly sent) body.
// LimitBody panics when n is not positive.
func LimitBody(n int64) func(http.Handler) http.Handler {
	mustPositive("LimitBody limit", n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				_, _ = errresp.Write(w, r, &http.MaxBytesError{Limit: n})
				return
			}
			if r.Body != nil && r.Body != http.NoBody {
				r2 := *r
				r2.Body = http.MaxBytesReader(w, r.Body, n)
				r = &r2
			}
			next.ServeHTTP(w, r)
		})
	}
}
