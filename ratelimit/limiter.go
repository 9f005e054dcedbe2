package ratelimit

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apierror/apierror/errresp"
)

// Option configures a limiter built by New or PerSecond ... PerDay.
type Option func(*config)

type config struct {
	store      Store
	key        KeyFunc
	cost       int
	costFunc   func(*http.Request) int
	burst      int
	name       string
	now        func() time.Time
	resetDelta bool
	headers    Headers
	policy     StoreErrorPolicy
	logger     *slog.Logger
}

// Headers selects the rate-limit header fields a limiter sends.
type Headers uint8

const (
	// XRateLimitHeaders are X-RateLimit-Limit, X-RateLimit-Remaining and
	// X-RateLimit-Reset, the fields most clients read. The default.
	XRateLimitHeaders Headers = 1 << iota
	// IETFHeaders are RateLimit-Policy and RateLimit, in the syntax of
	// draft-ietf-httpapi-ratelimit-headers (draft 09 and later): the policy
	// lists every limit as `"name";q=capacity;w=seconds to refill`, and
	// RateLimit gives the binding one as `"name";r=remaining;t=seconds`,
	// where t is the time until the bucket is full, or on a refusal the
	// wait, equal to Retry-After.
	IETFHeaders
	// NoHeaders sends no rate-limit fields (Retry-After is still sent with
	// a refusal).
	NoHeaders Headers = 0
)

// WithStore sets the store that keeps the buckets. The default is a new
// MemoryStore of its own for each limiter; share one store (a Redis store,
// for several instances) between limiters by passing it to each, with
// distinct names (WithName).
func WithStore(s Store) Option {
	if s == nil {
		panic("apierror/ratelimit: WithStore: nil store")
	}
	return func(c *config) { c.store = s }
}

// WithKey sets who a request counts against; ByIP() by default.
func WithKey(k KeyFunc) Option {
	if k == nil {
		panic("apierror/ratelimit: WithKey: nil key func")
	}
	return func(c *config) { c.key = k }
}

// WithCost sets how many tokens each request takes (1 by default): a bulk
// endpoint may cost 10. It panics when n is negative or more than a limit's
// capacity, since such a request could never pass.
func WithCost(n int) Option {
	if n < 0 {
		panic("apierror/ratelimit: WithCost: negative cost")
	}
	return func(c *config) { c.cost, c.costFunc = n, nil }
}

// WithCostFunc sets a per-request cost, such as the number of items in a
// batch. A negative result counts as 1; a result over a limit's capacity is
// refused with a 429 that says so and carries no Retry-After.
func WithCostFunc(f func(*http.Request) int) Option {
	if f == nil {
		panic("apierror/ratelimit: WithCostFunc: nil func")
	}
	return func(c *config) { c.costFunc = f }
}

// WithBurst sets the bucket's capacity of a single-limit limiter (PerMinute
// and the like): PerSecond(10, WithBurst(50)) allows 50 at once, then 10 a
// second. With several limits, set each Limit's Burst instead.
func WithBurst(n int) Option {
	if n <= 0 {
		panic("apierror/ratelimit: WithBurst: burst must be positive")
	}
	return func(c *config) { c.burst = n }
}

// WithName names the limiter: its keys in the store are prefixed with the
// name, so two limiters sharing a store share buckets only when they share a
// name. The default is the limits' names joined with "+".
func WithName(name string) Option {
	if name == "" {
		panic("apierror/ratelimit: WithName: empty name")
	}
	return func(c *config) { c.name = name }
}

// WithClock sets the clock the limiter formats X-RateLimit-Reset with, and
// times store outages by (time.Now by default). It does not change the
// store's clock.
func WithClock(now func() time.Time) Option {
	if now == nil {
		panic("apierror/ratelimit: WithClock: nil clock")
	}
	return func(c *config) { c.now = now }
}

// WithResetSeconds sends X-RateLimit-Reset (and the reset in a refusal's
// info) as seconds from now rather than as a Unix time.
func WithResetSeconds() Option {
	return func(c *config) { c.resetDelta = true }
}

// WithHeaders selects the header fields sent (XRateLimitHeaders by default),
// such as XRateLimitHeaders|IETFHeaders.
func WithHeaders(h Headers) Option {
	if h&^(XRateLimitHeaders|IETFHeaders) != 0 {
		panic("apierror/ratelimit: WithHeaders: unknown header set")
	}
	return func(c *config) { c.headers = h }
}

// WithLogger sets the logger store failures are reported on
// (slog.Default() by default).
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("apierror/ratelimit: WithLogger: nil logger")
	}
	return func(c *config) { c.logger = l }
}

// PerSecond limits each client to n requests a second.
func PerSecond(n int, opts ...Option) func(http.Handler) http.Handler {
	return New([]Limit{{Events: n, Period: time.Second}}, opts...)
}

// PerMinute limits each client to n requests a minute.
func PerMinute(n int, opts ...Option) func(http.Handler) http.Handler {
	return New([]Limit{{Events: n, Period: time.Minute}}, opts...)
}

// PerHour limits each client to n requests an hour.
func PerHour(n int, opts ...Option) func(http.Handler) http.Handler {
	return New([]Limit{{Events: n, Period: time.Hour}}, opts...)
}

// PerDay limits each client to n requests a day (24 hours).
func PerDay(n int, opts ...Option) func(http.Handler) http.Handler {
	return New([]Limit{{Events: n, Period: 24 * time.Hour}}, opts...)
}

// New returns middleware that limits each client (ByIP by default) to every
// one of limits at once, such as a burst limit and a daily one. A request
// passes when every limit has the tokens for its cost, and then takes them
// from all; a refused request takes nothing.
//
// Every response that passes through the limiter carries the binding
// limit's headers (see Headers). A refused request is answered 429 through
// errresp.Write with an *errresp.Error of kind RateLimited whose RetryAfter
// is the exact wait until the same request would pass (sent as Retry-After,
// in whole seconds rounded up) and whose Info holds "limit", "remaining",
// "reset" and "policy".
//
// New panics, with an "apierror/ratelimit: " prefix, on an empty or invalid
// list of limits (see Limit.Validate) and on options that contradict them.
func New(limits []Limit, opts ...Option) func(http.Handler) http.Handler {
	l := newLimiter(limits, opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			l.serve(w, r, next)
		})
	}
}

// limiter is one configured middleware; it is read-only after construction
// except for the outage flag.
type limiter struct {
	config
	limits  []Limit
	minCap  int
	prefix  string   // name + ":", for a store the limiter may share
	limitHV []string // X-RateLimit-Limit value per limit
	policyV []string // RateLimit-Policy value, for all limits
	ietfPre []string // `"name";r=` per limit
	down    atomic.Bool

	// The store-error path (storeerror.go): down above, when the store
	// was last unavailable (Unix ns of l.now), and the fallback.
	failAt atomic.Int64
	memory fallbackStore
}

func newLimiter(limits []Limit, opts []Option) *limiter {
	c := config{cost: 1, now: time.Now, headers: XRateLimitHeaders, logger: slog.Default()}
	for _, o := range opts {
		o(&c)
	}
	if len(limits) == 0 {
		panic("apierror/ratelimit: New: no limits")
	}
	if len(limits) > MaxLimits {
		panic("apierror/ratelimit: New: more than " + strconv.Itoa(MaxLimits) + " limits")
	}
	limits = append([]Limit(nil), limits...)
	if c.burst > 0 {
		if len(limits) > 1 {
			panic("apierror/ratelimit: WithBurst: several limits; set each Limit's Burst")
		}
		limits[0].Burst = c.burst
	}
	l := &limiter{config: c, limits: limits, minCap: limits[0].Capacity()}
	names := make([]string, len(limits))
	for i, lim := range limits {
		if err := lim.Validate(); err != nil {
			panic("apierror/ratelimit: New: " + err.Error())
		}
		l.minCap = min(l.minCap, lim.Capacity())
		names[i] = lim.String()
		l.limitHV = append(l.limitHV, strconv.Itoa(lim.Capacity()))
		l.ietfPre = append(l.ietfPre, sfString(names[i])+";r=")
	}
	if l.costFunc == nil && l.cost > l.minCap {
		panic("apierror/ratelimit: WithCost: the cost exceeds a limit's capacity, so no request could pass")
	}
	l.policyV = []string{policyField(limits, names)}
	if l.name == "" {
		l.name = strings.Join(names, "+")
	}
	if l.store == nil {
		// A store of its own needs no prefix to keep its keys apart.
		l.store = NewMemoryStore()
	} else {
		l.prefix = l.name + ":"
	}
	if l.key == nil {
		l.key = ByIP()
	}
	return l
}

func (l *limiter) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	key, err := l.key(r)
	if err != nil {
		_ = errresp.Write(w, r, err)
		return
	}
	cost := l.cost
	if l.costFunc != nil {
		if cost = l.costFunc(r); cost < 0 {
			cost = 1
		}
	}
	if l.prefix != "" {
		key = l.prefix + key
	}
	d, err := l.store.Take(r.Context(), key, l.limits, cost)
	if err != nil {
		if d, err = l.storeError(w, r, next, key, cost, err); err != nil {
			return // answered, or passed on by the policy
		}
	} else if l.down.Load() {
		l.storeAnswered(r)
	}
	now := l.now()
	l.setHeaders(w.Header(), &d, now)
	if !d.Allowed {
		_ = errresp.Write(w, r, l.refusal(&d, cost, now))
		return
	}
	next.ServeHTTP(w, r)
}

// index returns the position of the decision's limit in l.limits.
func (l *limiter) index(d *Decision) int {
	for i := range l.limits {
		if l.limits[i] == d.Limit {
			return i
		}
	}
	return 0
}

// reset is the reset value the limiter sends: a Unix time, or seconds from
// now, rounded up to whole seconds.
func (l *limiter) reset(d *Decision, now time.Time) int64 {
	if l.resetDelta {
		return ceilSeconds(d.ResetAfter)
	}
	return ceilDiv(now.UnixNano()+int64(d.ResetAfter), int64(time.Second))
}

func (l *limiter) refusal(d *Decision, cost int, now time.Time) *errresp.Error {
	var msg string
	if d.RetryAfter > 0 {
		msg = "Too many requests: the limit is " + strconv.Itoa(d.Limit.Events) + " per " + periodName(d.Limit.Period) +
			". Retry in " + strconv.FormatInt(ceilSeconds(d.RetryAfter), 10) + " s."
	} else {
		msg = "This request costs " + strconv.Itoa(cost) + ", more than the limit of " + strconv.Itoa(d.Limit.Capacity()) +
			" allows at once; it cannot pass."
	}
	e := &errresp.Error{Kind: errresp.RateLimited, Message: msg, RetryAfter: d.RetryAfter}
	return e.With("limit", d.Limit.Capacity()).With("remaining", d.Remaining).
		With("reset", l.reset(d, now)).With("policy", d.Limit.String())
}

func ceilSeconds(d time.Duration) int64 { return ceilDiv(int64(d), int64(time.Second)) }

// periodName is "second", "minute", "hour", "day" or the duration.
func periodName(p time.Duration) string {
	switch p {
	case time.Second:
		return "second"
	case time.Minute:
		return "minute"
	case time.Hour:
		return "hour"
	case 24 * time.Hour:
		return "day"
	}
	return p.String()
}
