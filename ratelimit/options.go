package ratelimit

import (
	"log/slog"
	"net/http"
	"time"
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
// MemoryStore of its own for each limiter. Limiters may share one store (a
// Redis store, for several instances, or one MemoryStore): each keeps its
// buckets apart under its name (see WithName), and a MemoryStore keeps each
// name's keys, cap and overflow apart too, so that a flood on one limiter
// never changes another's answers.
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

// WithName names the limiter. On a store other than a MemoryStore (Redis,
// shared by the service's instances and kept across deploys) a name is
// required, and New panics without one: the limiter's identity there is its
// name and what its limits count (events, period, capacity), which no edit
// elsewhere in the code, new build, restart or second build of the router in
// one process changes. Two limiters with one name and the same limits share
// buckets (a budget shared by two routes, or by the instances of a
// service); with other limits they never do, so a name given twice by
// mistake cannot merge two different limits. Changing a limit starts its
// buckets afresh. The name also labels the limiter's log lines.
//
// On a MemoryStore, which lives and dies with the process, a name is
// optional: limiters sharing one share buckets exactly when they share a
// name. The default name is the limits' names joined with "+", "@", and the
// place in the service's code that built the limiter: the last element of
// its package path, its file and line, and "#n" for the n-th limiter built
// at that place in the process (by a helper function, a loop, or a router
// built twice), such as "60-per-1m0s@api/routes.go:42". Name the limiters
// of a router that is built twice on one MemoryStore (a reload) to keep
// their counts.
func WithName(name string) Option {
	if name == "" {
		panic("apierror/ratelimit: WithName: empty name")
	}
	return func(c *config) { c.name = name }
}

// WithClock sets the clock the limiter formats X-RateLimit-Reset with, and
// times store outages by (by default the store's clock for a MemoryStore,
// else time.Now). It does not change the store's clock.
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
