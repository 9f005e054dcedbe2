package idempotency

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// The defaults.
const (
	// DefaultRetention is how long a saved response is replayed: 24 hours,
	// as the payment providers keep keys.
	DefaultRetention = 24 * time.Hour
	// DefaultLease is how long a running request holds its key at most: a
	// key held by an instance that died is free again after it.
	DefaultLease = time.Minute
	// DefaultMaxBody is the largest request body fingerprinted and the
	// largest response body saved, in bytes: 1 MiB.
	DefaultMaxBody = 1 << 20
	// DefaultStoreTimeout bounds each call to the store.
	DefaultStoreTimeout = time.Second
	// DefaultRetryAfter is the Retry-After of the 409 and of the 503.
	DefaultRetryAfter = time.Second
)

// Option configures New.
type Option func(*config)

type config struct {
	required     bool
	methods      map[string]bool
	scope        ratelimit.KeyFunc
	headers      []string // canonical names, fingerprinted
	maxKeyLen    int
	maxReqBody   int64
	maxRespBody  int
	retention    time.Duration
	lease        time.Duration
	wait         time.Duration
	storeTimeout time.Duration
	retryAfter   time.Duration
	failOpen     bool
	logger       *slog.Logger
}

func newConfig(opts []Option) *config {
	c := &config{
		methods:      map[string]bool{http.MethodPost: true, http.MethodPatch: true},
		headers:      []string{"Content-Type"},
		maxKeyLen:    DefaultMaxKeyLength,
		maxReqBody:   DefaultMaxBody,
		maxRespBody:  DefaultMaxBody,
		retention:    DefaultRetention,
		lease:        DefaultLease,
		storeTimeout: DefaultStoreTimeout,
		retryAfter:   DefaultRetryAfter,
	}
	for _, o := range opts {
		o(c)
	}
	if c.scope == nil {
		c.scope = ratelimit.First(ratelimit.ByPrincipal(), ratelimit.ByCredential())
	}
	return c
}

// WithRequired makes the key required: a request of a covered method
// without one is answered 400 (IdempotencyKeyInvalid). By default the key is
// optional and a request without one runs as if the middleware were not
// there.
func WithRequired() Option { return func(c *config) { c.required = true } }

// WithMethods sets the methods the middleware covers (POST and PATCH by
// default, the draft's non-idempotent methods); a request of any other
// method passes through, its key ignored. It panics when given none.
func WithMethods(methods ...string) Option {
	if len(methods) == 0 {
		panic("apierror/idempotency: WithMethods: no methods")
	}
	return func(c *config) {
		c.methods = map[string]bool{}
		for _, m := range methods {
			c.methods[m] = true
		}
	}
}

// WithScope sets whose keys a request's key is one of, so that one caller
// can never receive another's saved response. The default is the
// authenticated principal (ratelimit.ByPrincipal), else the credential the
// request carries, hashed (ratelimit.ByCredential), else the client address
// (ratelimit.ByIP, the peer address unless trusted proxies are configured).
// A key function that fails answers the request with its error. It panics
// on nil.
func WithScope(k ratelimit.KeyFunc) Option {
	if k == nil {
		panic("apierror/idempotency: WithScope: nil key func")
	}
	return func(c *config) { c.scope = k }
}

// WithFingerprintHeaders sets the request headers that change a request's
// meaning and so are part of its fingerprint, beside the method, the path,
// the query and the body: Content-Type alone by default. A key sent again
// with a different fingerprint is answered 422.
func WithFingerprintHeaders(names ...string) Option {
	canon := make([]string, len(names))
	for i, n := range names {
		if n == "" {
			panic("apierror/idempotency: WithFingerprintHeaders: empty name")
		}
		canon[i] = http.CanonicalHeaderKey(n)
	}
	return func(c *config) { c.headers = canon }
}

// WithMaxKeyLength sets the longest key accepted, in bytes
// (DefaultMaxKeyLength, 255, by default); a longer one is answered 400. It
// panics unless n > 0.
func WithMaxKeyLength(n int) Option {
	if n <= 0 {
		panic("apierror/idempotency: WithMaxKeyLength: n must be positive")
	}
	return func(c *config) { c.maxKeyLen = n }
}

// WithMaxRequestBody sets the largest request body read to fingerprint a
// request with a key (DefaultMaxBody by default); a larger one is answered
// 413. It panics unless n > 0.
func WithMaxRequestBody(n int64) Option {
	if n <= 0 {
		panic("apierror/idempotency: WithMaxRequestBody: n must be positive")
	}
	return func(c *config) { c.maxReqBody = n }
}

// WithMaxResponseBody sets the largest response body saved for replay
// (DefaultMaxBody by default). A first response over it is still sent in
// full, and its key is kept as done without a body: a retry is answered 409
// Conflict (not retryable) rather than run again. It panics unless n > 0.
func WithMaxResponseBody(n int) Option {
	if n <= 0 {
		panic("apierror/idempotency: WithMaxResponseBody: n must be positive")
	}
	return func(c *config) { c.maxRespBody = n }
}

// WithRetention sets how long a saved response is replayed
// (DefaultRetention, 24 h, by default). It panics unless d > 0.
func WithRetention(d time.Duration) Option {
	return duration("WithRetention", d, func(c *config) *time.Duration { return &c.retention })
}

// WithLease sets how long a running request holds its key at most
// (DefaultLease, 1 min, by default): a key held by an instance that died is
// free after it. It must be longer than the route's handlers may run (mount
// middleware.Timeout inside with less), or a second copy of a slow request
// runs when the lease has run out. It panics unless d > 0.
func WithLease(d time.Duration) Option {
	return duration("WithLease", d, func(c *config) *time.Duration { return &c.lease })
}

// WithWait makes a request whose key is held by a running request wait up
// to d for it to finish and answer with its response, instead of being
// answered 409 at once (the default, d = 0). A request that waits d in vain
// is answered 409. It panics if d < 0.
func WithWait(d time.Duration) Option {
	if d < 0 {
		panic("apierror/idempotency: WithWait: negative duration")
	}
	return func(c *config) { c.wait = d }
}

// WithStoreTimeout bounds each call to the store (DefaultStoreTimeout, 1 s,
// by default): a store that does not answer in time has failed. It panics
// unless d > 0.
func WithStoreTimeout(d time.Duration) Option {
	return duration("WithStoreTimeout", d, func(c *config) *time.Duration { return &c.storeTimeout })
}

// WithRetryAfter sets the Retry-After of the 409 and of the 503 of a
// failed store (DefaultRetryAfter, 1 s, by default). It panics unless d > 0.
func WithRetryAfter(d time.Duration) Option {
	return duration("WithRetryAfter", d, func(c *config) *time.Duration { return &c.retryAfter })
}

// WithFailOpen runs a request whose key the store could not be asked about
// as if it carried none. The default is to fail closed, answering 503
// (Unavailable) with Retry-After, since running a request twice is the harm
// the middleware exists to prevent.
func WithFailOpen() Option { return func(c *config) { c.failOpen = true } }

// WithLogger sets the logger store failures are logged to (by default the
// request's logger: middleware.LogTo's, else slog.Default()).
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("apierror/idempotency: WithLogger: nil logger")
	}
	return func(c *config) { c.logger = l }
}

// duration is an option that sets a positive duration; it panics, naming
// the option, otherwise.
func duration(name string, d time.Duration, field func(*config) *time.Duration) Option {
	if d <= 0 {
		panic("apierror/idempotency: " + name + ": d must be positive")
	}
	return func(c *config) { *field(c) = d }
}
