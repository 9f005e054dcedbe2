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
// Limiters compose however they are mounted: several in a chain
// (r.With(PerSecond(2), PerMinute(4))), a group's and a route's, or one New
// with several limits. A request that any of them refuses takes nothing from
// the others (those further out give back what it took), and the refusal
// names the binding limit of every limiter the request has reached and of
// those mounted directly inside the refusing one, with its true wait. A
// limiter further in that the request has not reached yet (behind routing,
// or behind other middleware, whose key may not be known until then) is not
// consulted when an outer one refuses; see the package documentation.
//
// Every response that passes through the limiter carries the headers (see
// Headers) of the binding limit of every limiter the request has passed,
// this one and those further out: the fewest requests remaining, then the
// bucket that takes longer to fill. A refused request is answered 429 through
// errresp.Write with an *errresp.Error of kind RateLimited whose RetryAfter
// is the exact wait until the same request would pass (sent as Retry-After,
// in whole seconds rounded up) and whose Info holds "limit", "remaining",
// "reset" and "policy".
//
// A limiter on a store other than a MemoryStore (Redis, shared by the
// service's instances) must be given a name (WithName): its identity there
// is the name and its limits, which no build, restart or rebuild of the
// router changes. See WithName.
//
// New panics, with an "apierror/ratelimit: " prefix, on an empty or invalid
// list of limits (see Limit.Validate) and on options that contradict them.
func New(limits []Limit, opts ...Option) func(http.Handler) http.Handler {
	l := newLimiter(limits, opts)
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("apierror/ratelimit: nil next handler")
		}
		h := &handler{limiter: l, next: next}
		if in, ok := next.(*handler); ok {
			// Mounted directly around another limiter: a refusal here can
			// ask it, and those directly inside it, how long they would
			// make the request wait.
			h.inner = append([]*limiter{in.limiter}, in.inner...)
		}
		return h
	}
}

// limiter is one configured middleware; it is read-only after construction
// except for the outage flag.
type limiter struct {
	config
	limits  []Limit
	params  []bucket // the limits as the stores' algorithm needs them, checked once
	minCap  int
	prefix  string   // name + ":", for a store the limiter may share
	fast    decider  // the store's decider for this limiter, when it is a fastStore
	limitHV []string // X-RateLimit-Limit value per limit
	policyV []string // RateLimit-Policy value, for all limits
	ietfPre []string // `"name";r=` per limit
	down    atomic.Bool

	// The store-error path (storeerror.go): down above, when the store
	// was last unavailable (Unix ns of the limiter's clock), and the
	// fallback.
	failAt atomic.Int64
	memory fallbackStore
}

func newLimiter(limits []Limit, opts []Option) *limiter {
	c := config{cost: 1, headers: XRateLimitHeaders, logger: slog.Default()}
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
	l.params = make([]bucket, len(limits))
	if err := checkArgs(l.params, limits, 0); err != nil {
		panic("apierror/ratelimit: New: " + err.Error())
	}
	if l.costFunc == nil && l.cost > l.minCap {
		panic("apierror/ratelimit: WithCost: the cost exceeds a limit's capacity, so no request could pass")
	}
	l.policyV = []string{policyField(limits, names)}
	_, inMemory := l.store.(*MemoryStore)
	if l.name == "" {
		if l.store != nil && !inMemory {
			panic("apierror/ratelimit: New: a limiter on a shared store needs WithName, so that its buckets keep one identity across builds, instances and restarts")
		}
		l.name = strings.Join(names, "+") + "@" + callSite()
	}
	if l.store == nil {
		// A store of its own needs no prefix to keep its keys apart.
		s := NewMemoryStore()
		l.store, l.fast = s, s.decider("")
	} else if fs, ok := l.store.(fastStore); ok {
		// The store keeps each name's keys, and its cap, apart.
		l.fast = fs.decider(l.identity(limits))
	} else {
		l.prefix = l.identity(limits) + ":"
	}
	if l.key == nil {
		l.key = ByIP()
	}
	return l
}

// identity is the limiter's identity on a store: its name and what its
// limits count, so that limiters given one name by mistake with other
// limits never share buckets.
func (l *limiter) identity(limits []Limit) string { return l.name + "/" + limitsID(limits) }

// handler is a limiter mounted around next.
type handler struct {
	*limiter
	next  http.Handler
	inner []*limiter // limiters mounted directly inside this one, outermost first
	reach reach      // the limiters further in that requests have reached (deferred.go)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l := h.limiter
	key, err := l.key(r)
	if err != nil {
		_, _ = errresp.Write(w, r, err)
		return
	}
	cost := l.costOf(r)
	if l.prefix != "" {
		key = l.prefix + key
	}
	lg := ledgerOf(r)
	if lg != nil {
		h.learn(lg)
		if lg.pending.Load() > 0 && h.settle(w, r, lg) {
			return // refused here without a round trip, or further out (deferred.go)
		}
	}
	if len(h.inner) > 0 && h.refusedInside(w, r) {
		return // a limiter inside refuses it without a round trip (refusalcache.go)
	}
	rk := reachKey{r.Method, r.URL.Path}
	if h.deferTake(r, rk) {
		h.serveDeferred(w, r, key, cost, rk)
		return
	}
	d, now, fallback, err := l.take(w, r, h.next, key, cost)
	if err != nil {
		return // answered, or passed on by the policy
	}
	if !d.Allowed {
		h.refuse(w, r, &d, cost, now)
		return
	}
	p, r, made := passFor(r, l, key, cost)
	p.fallback, p.d, p.now, p.from, p.rk = fallback, d, now, h, rk
	// The headers name the binding limit of every limiter the request has
	// passed, this one's when it binds.
	if b := p.binding(); b == p {
		l.setHeaders(w.Header(), p, &d, now)
	} else {
		b.l.putHeaders(w.Header(), b, b.l.index(&b.d))
	}
	h.next.ServeHTTP(w, r)
	if made != nil {
		made.done.Store(true)
	}
}

// take takes cost tokens for key from l's store, and returns the
// decision, its instant and whether the fallback store made it. When the
// store fails, the limiter's policy decides (storeError): under FallBack
// the fallback store's decision is returned; otherwise the request has
// been answered, or passed to next, and the error is returned.
func (l *limiter) take(w http.ResponseWriter, r *http.Request, next http.Handler, key string, cost int) (d Decision, now time.Time, fallback bool, err error) {
	if l.fast != nil {
		d, now, err = l.fast.decide(key, l.params, l.limits, cost, opTake)
	} else {
		d, err = l.store.Take(r.Context(), key, l.limits, cost)
	}
	if err != nil {
		if d, err = l.storeError(w, r, next, key, cost, err); err != nil {
			return d, now, false, err
		}
		fallback = true
	} else if l.down.Load() {
		l.storeAnswered(r)
	}
	if l.now != nil || l.fast == nil || fallback {
		now = l.clock()
	}
	return d, now, fallback, nil
}

// costOf is the request's cost.
func (l *limiter) costOf(r *http.Request) int {
	if l.costFunc == nil {
		return l.cost
	}
	if cost := l.costFunc(r); cost >= 0 {
		return cost
	}
	return 1
}

// clock is the limiter's clock: WithClock's, or time.Now.
func (l *limiter) clock() time.Time {
	if l.now != nil {
		return l.now()
	}
	return time.Now()
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
