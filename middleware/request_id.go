package middleware

import (
	crand "crypto/rand"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"strings"
	"sync"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// RequestIDOption configures RequestID.
type RequestIDOption func(*requestIDConfig)

type requestIDConfig struct {
	header   string // canonical, for reading the request and the response
	maxLen   int
	trust    bool
	generate func() string
	sources  []func(*http.Request) string // RequestIDFrom, in order
}

// RequestIDHeader sets the header the incoming id is read from and the
// response header it is sent back in. The default is errresp.HeaderRequestID
// (X-Request-ID). Envelopes carry the id in X-Request-ID whatever this is.
func RequestIDHeader(name string) RequestIDOption {
	if name == "" || strings.Trim(name, "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
		panic("apierror/middleware: RequestIDHeader needs a header name of letters, digits and hyphens")
	}
	return func(c *requestIDConfig) {
		c.header = textproto.CanonicalMIMEHeaderKey(name)
	}
}

// RequestIDMaxLength sets the longest incoming id that is kept (default 64
// bytes); a longer one is replaced by a generated id.
func RequestIDMaxLength(n int) RequestIDOption {
	mustPositive("RequestIDMaxLength", n)
	return func(c *requestIDConfig) { c.maxLen = n }
}

// RequestIDIgnoreIncoming makes RequestID always generate an id, ignoring
// the request's header and chi's RequestID. Use it where clients are not
// trusted to name requests at all.
func RequestIDIgnoreIncoming() RequestIDOption {
	return func(c *requestIDConfig) { c.trust = false }
}

// RequestIDGenerator replaces the id generator. fn must be safe for
// concurrent use; an id it returns that fails the safety check (see
// RequestID) is replaced by a generated one.
func RequestIDGenerator(fn func() string) RequestIDOption {
	if fn == nil {
		panic("apierror/middleware: RequestIDGenerator needs a function")
	}
	return func(c *requestIDConfig) { c.generate = fn }
}

// RequestIDFrom makes RequestID ask fn for the request's id before it
// looks at the incoming header or chi's id. Sources given with several
// RequestIDFrom options are asked in order; the first answer that passes
// the safety check (see RequestID) is the id, and when none does RequestID
// behaves as it would without them. RequestIDIgnoreIncoming does not turn
// sources off: the service asked for them by name. fn must be safe for
// concurrent use and cheap: it runs on every request.
//
// It is the hook that lets the request id be the trace id: see
// RequestIDTraceparent, and the otel module's span-based source.
func RequestIDFrom(fn func(r *http.Request) string) RequestIDOption {
	if fn == nil {
		panic("apierror/middleware: RequestIDFrom needs a function")
	}
	return func(c *requestIDConfig) { c.sources = append(c.sources, fn) }
}

// RequestIDTraceparent makes the trace id of the incoming W3C traceparent
// header (see TraceparentTraceID) the request id, so that the id a client
// quotes from an envelope finds the trace. A request without a valid
// traceparent gets its id as it would without this option. It needs no
// tracing library: the header is parsed here.
func RequestIDTraceparent() RequestIDOption { return RequestIDFrom(TraceparentTraceID) }

// RequestID gives every request an id, records it with errresp.WithRequestID
// (so every envelope and every line the library logs carries it) and sends
// it in the response header.
//
// An id arriving in the X-Request-ID header (see RequestIDHeader), or set in
// the context by chi's middleware.RequestID mounted earlier, is kept when it
// is safe to echo into headers, JSON, HTML and log lines: 1 to 64 bytes (see
// RequestIDMaxLength) of ASCII letters, digits and - _ . : / + =. UUIDs,
// ULIDs, W3C trace ids and chi's own ids pass; anything else (spaces, CR or
// LF, quotes, angle brackets, control or non-ASCII bytes) is replaced, not
// repaired. A generated id is 26 lowercase base32 characters holding 128
// bits from a ChaCha8 generator seeded from crypto/rand: unguessable,
// unique in practice, and cheap (no system call per request, no hostname).
//
// A request that already has an id (from a RequestID mounted above, say on
// the router when this one is on a route group) keeps it. chi's
// middleware.GetReqID, and so chi's Logger, sees the same id below
// RequestID, without another allocation.
func RequestID(opts ...RequestIDOption) func(http.Handler) http.Handler {
	c := requestIDConfig{header: textproto.CanonicalMIMEHeaderKey(errresp.HeaderRequestID), maxLen: 64, trust: true}
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			if errresp.RequestID(r.Context()) != "" { // a RequestID above has run
				next.ServeHTTP(w, r)
				finish(w, r)
				return
			}
			var id string
			for _, src := range c.sources {
				if v := src(r); requestIDSafe(v, c.maxLen) {
					id = v
					break
				}
			}
			if id == "" && c.trust {
				if v := chimw.GetReqID(r.Context()); requestIDSafe(v, c.maxLen) {
					id = v
				} else if v := r.Header[c.header]; len(v) == 1 && requestIDSafe(v[0], c.maxLen) {
					id = v[0]
				}
			}
			if id == "" && c.generate != nil {
				if g := c.generate(); requestIDSafe(g, 256) {
					id = g
				}
			}
			st := reqstate.From(r.Context()) // Begin's: never nil
			if id == "" {
				// A generated id lives in the per-request state's allocation.
				var b [requestIDLen]byte
				if !st.SetIDFrom(appendRequestID(b[:0])) {
					st.ID = string(b[:])
				}
			} else {
				st.ID = id
			}
			// chi's GetReqID (and so chi's Logger) sees the same id, at no cost.
			st.IDKey = chimw.RequestIDKey
			// The value shares the per-request state's allocation.
			w.Header()[c.header] = reqstate.RequestIDHeader(r)
			next.ServeHTTP(w, r)
			finish(w, r)
		})
	}
}

// requestIDSafe reports whether id is 1 to max bytes of the conservative
// set RequestID keeps.
func requestIDSafe(id string, max int) bool {
	if len(id) == 0 || len(id) > max {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !requestIDChars[id[i]] {
			return false
		}
	}
	return true
}

var requestIDChars = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "-_.:/+=" {
		t[c] = true
	}
	return t
}()

// requestIDRand holds ChaCha8 generators, each seeded from crypto/rand, so
// that an id costs no system call and no lock.
var requestIDRand = sync.Pool{New: func() any {
	var seed [32]byte
	crand.Read(seed[:])
	return rand.NewChaCha8(seed)
}}

const requestIDAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// requestIDLen is the length of a generated request id.
const requestIDLen = 26

// NewRequestID returns a new random request id: 26 lowercase base32
// characters holding 128 random bits. It is safe for concurrent use.
func NewRequestID() string {
	var b [requestIDLen]byte
	return string(appendRequestID(b[:0]))
}

// appendRequestID appends a new random request id to dst.
func appendRequestID(dst []byte) []byte {
	g := requestIDRand.Get().(*rand.ChaCha8)
	hi, lo := g.Uint64(), g.Uint64()
	requestIDRand.Put(g)
	// 26 characters of 5 bits: 12 from lo (60 bits), 12 from hi (60 bits)
	// and 2 from the 8 bits left over (4 + 4), 128 bits in all.
	var b [requestIDLen]byte
	for i := range 12 {
		b[i] = requestIDAlphabet[lo&31]
		lo >>= 5
		b[12+i] = requestIDAlphabet[hi&31]
		hi >>= 5
	}
	b[24] = requestIDAlphabet[lo&31]
	b[25] = requestIDAlphabet[hi&31]
	return append(dst, b[:]...)
}
