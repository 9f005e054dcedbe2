package client

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/apierror/apierror/errresp"
)

// The defaults, from the retry table of the Gcore reference: a 500 is worth
// retrying up to 3 times with exponential backoff, waiting 1 to 5 s.
const (
	// DefaultMaxRetries is how many times a request is sent again at most.
	DefaultMaxRetries = 3
	// DefaultMinBackoff is the shortest wait before a retry that the server
	// gave no time for.
	DefaultMinBackoff = time.Second
	// DefaultMaxBackoff is the longest such wait.
	DefaultMaxBackoff = 5 * time.Second
	// DefaultMaxWait bounds the time one request spends waiting between
	// attempts, all waits together. A Retry-After longer than what is left
	// of it is not waited for: the failure is returned at once.
	DefaultMaxWait = 30 * time.Second
)

// Option configures a Transport built by NewTransport or New.
type Option func(*config)

type config struct {
	base       http.RoundTripper
	maxRetries int
	minBackoff time.Duration
	maxBackoff time.Duration
	maxWait    time.Duration
	retryKind  [256]bool // indexed by errresp.Kind
	onAttempt  func(Attempt)
	logger     *slog.Logger // nil: slog.Default() at the time of logging
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	jitter     func(n int64) int64 // uniform in [0, n)
	idemKeys   bool                // WithIdempotencyKeys
}

func newConfig(opts []Option) *config {
	c := &config{
		maxRetries: DefaultMaxRetries,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		maxWait:    DefaultMaxWait,
		now:        time.Now,
		sleep:      sleep,
		jitter:     rand.Int64N,
	}
	for _, k := range errresp.Kinds() {
		// CapacityUnavailable is worth retrying elsewhere (another region
		// or size), which only the caller can choose.
		c.retryKind[k] = k.Retryable() && k != errresp.CapacityUnavailable
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

func (c *config) log() *slog.Logger {
	if c.logger != nil {
		return c.logger
	}
	return slog.Default()
}

// WithTransport sets the RoundTripper that sends each attempt;
// http.DefaultTransport by default.
func WithTransport(rt http.RoundTripper) Option {
	if rt == nil {
		panic("apierror/client: WithTransport: nil RoundTripper")
	}
	return func(c *config) { c.base = rt }
}

// WithMaxRetries sets how many times a failed request is sent again at most
// (DefaultMaxRetries, 3, by default); 0 turns retrying off, leaving only the
// decoding of error responses.
func WithMaxRetries(n int) Option {
	if n < 0 {
		panic("apierror/client: WithMaxRetries: negative count")
	}
	return func(c *config) { c.maxRetries = n }
}

// WithBackoff sets the bounds of the wait before a retry the server gave no
// time for (1 s and 5 s by default). The n-th such wait, counting from 0, is
// drawn uniformly from [lo, min(hi, lo·2^(n+1))]: exponential growth with full
// jitter above the floor, so that clients that failed together do not come
// back together. It panics unless 0 < lo <= hi.
func WithBackoff(lo, hi time.Duration) Option {
	if lo <= 0 || hi < lo {
		panic("apierror/client: WithBackoff: bounds must satisfy 0 < lo <= hi")
	}
	return func(c *config) { c.minBackoff, c.maxBackoff = lo, hi }
}

// WithMaxWait bounds the total time one request waits between its attempts
// (DefaultMaxWait, 30 s, by default). A wait that would take the total past
// it is not started: the last failure is returned at once.
func WithMaxWait(d time.Duration) Option {
	if d < 0 {
		panic("apierror/client: WithMaxWait: negative duration")
	}
	return func(c *config) { c.maxWait = d }
}

// WithRetryKinds sets the kinds of failure that are sent again, replacing the
// default: every kind whose Retryable method says yes (rate limited,
// internal, unavailable, timeout) except CapacityUnavailable, which is worth
// retrying only with another region or size. A transport failure counts as
// Timeout when it timed out and as Unavailable otherwise.
func WithRetryKinds(kinds ...errresp.Kind) Option {
	return func(c *config) {
		c.retryKind = [256]bool{}
		for _, k := range kinds {
			c.retryKind[k] = true
		}
	}
}

// WithOnAttempt sets a function called after every attempt, retried or not,
// with what came of it. It runs on the request's goroutine before the wait.
func WithOnAttempt(fn func(Attempt)) Option {
	if fn == nil {
		panic("apierror/client: WithOnAttempt: nil func")
	}
	return func(c *config) { c.onAttempt = fn }
}

// WithLogger sets the logger retries are logged to; slog.Default() by
// default. Each retry is one Info line with the request id; a retryable
// failure that is not retried (the method is not idempotent, the attempts
// or the wait are used up, the deadline is too close) is one Info line that
// says why.
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("apierror/client: WithLogger: nil logger")
	}
	return func(c *config) { c.logger = l }
}

// WithClock sets the clock the Transport reads (time.Now by default), in
// the shape every clock option of the module has. Context deadlines are
// compared with it, so a fake clock should start at time.Now(); see package
// clienttest, whose Clock gives both this and WithSleep.
func WithClock(now func() time.Time) Option {
	if now == nil {
		panic("apierror/client: WithClock: nil clock")
	}
	return func(c *config) { c.now = now }
}

// WithSleep sets how the Transport waits before a retry: sleep waits for d,
// or until ctx is done, when it returns ctx.Err(). By default it waits on a
// timer; a test passes a manual clock's Sleep (clienttest.Clock), which
// moves that clock instead of waiting.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	if sleep == nil {
		panic("apierror/client: WithSleep: nil function")
	}
	return func(c *config) { c.sleep = sleep }
}

// sleep waits for d on a timer, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
