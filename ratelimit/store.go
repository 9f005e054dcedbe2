package ratelimit

import (
	"context"
	"errors"
	"time"
)

// ErrUnavailable is what a Store's error wraps when the store could not be
// asked at all: its backend is down, too slow, or known to be down (such as
// a Redis node the store is waiting to come back). The limiter logs such
// failures once per outage. An error that does not wrap it concerns the one
// request alone (its key's data, its arguments) and is logged with that
// request. Under either, the limiter answers as its StoreErrorPolicy says.
var ErrUnavailable = errors.New("apierror/ratelimit: store unavailable")

// Limit is one token bucket: Events tokens are added every Period, evenly
// (one every Period/Events), and the bucket holds at most Burst. A request of
// cost n passes when n tokens are in the bucket and takes them. A zero Burst
// means Burst = Events.
type Limit struct {
	// Events is how many requests (of cost 1) the limit allows per Period.
	Events int
	// Period is the window Events is counted over.
	Period time.Duration
	// Burst is the bucket's capacity; 0 means Events.
	Burst int
	// Name names the limit in the RateLimit-Policy header; empty means a name
	// derived from Events and Period (such as "60-per-1m0s").
	Name string
}

// Interval is the time one token takes to come back: Period / Events.
func (l Limit) Interval() time.Duration {
	if l.Events <= 0 {
		return 0
	}
	return l.Period / time.Duration(l.Events)
}

// Capacity is the bucket's size: Burst, or Events when Burst is 0.
func (l Limit) Capacity() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.Events
}

// Decision is a store's answer for one request. When several limits apply, it
// describes the binding one: the limit that refused the request (of several,
// the one with the longest wait), or, when all allowed it, the one with the
// fewest requests left; ties go to the bucket that takes longer to fill, then
// to the earlier limit in the list.
type Decision struct {
	// Allowed reports whether the request passed every limit. A refused
	// request takes no tokens from any of them.
	Allowed bool
	// Limit is the binding limit.
	Limit Limit
	// Remaining is how many requests of cost 1 the binding limit would allow
	// right after this one.
	Remaining int
	// ResetAfter is how long until the binding limit's bucket is full again.
	ResetAfter time.Duration
	// RetryAfter, when the request was refused, is how long until the same
	// request would pass; 0 when it was allowed, and 0 on a refusal when the
	// cost exceeds the limit's capacity, so that no wait makes it pass.
	RetryAfter time.Duration
}

// Store keeps the buckets. Take decides one request against every limit for
// key atomically: either every limit has the tokens and all are taken, or
// none is. "Limit reached" is a Decision with Allowed false and a nil error;
// an error means the store itself failed and says nothing about the limit:
// it wraps ErrUnavailable when the store's backend could not be asked. A
// store never answers with an HTTP error of its own; the limiter chooses.
// A cost of 0 reads the buckets without taking from them. Buckets are kept
// per key and position in limits, so one key is meant to be used with one
// list of limits. The package storetest holds the behaviour table every
// Store must pass.
//
// Peek and Refund let limiters that are mounted apart (a group's and a
// route's, or two in a chain) compose as if they were one: a request that
// one of them refuses takes nothing from the others. A limiter that allowed
// a request gives its tokens back with Refund when a limiter further in
// refuses it, and a limiter that refuses asks the limiters it knows of
// further in, with Peek, how long they would make the request wait, so that
// the answer names the binding limit of all of them.
//
// Implementations must be safe for concurrent use.
type Store interface {
	// Take decides a request of the given cost and, when every limit
	// allows it, takes cost tokens from each.
	Take(ctx context.Context, key string, limits []Limit, cost int) (Decision, error)
	// Peek returns the decision Take would return at this instant, and
	// takes nothing.
	Peek(ctx context.Context, key string, limits []Limit, cost int) (Decision, error)
	// Refund gives back cost tokens to each of limits for key, undoing an
	// allowed Take of that cost with the same key and limits. Made at the
	// instant of the Take it restores the buckets exactly; made later, the
	// buckets are as if the Take had never happened, except that tokens the
	// store could not have held (a bucket over its capacity) are not
	// returned. A refund for a key the store no longer holds does nothing.
	Refund(ctx context.Context, key string, limits []Limit, cost int) error
	// Close releases the store's resources; it is idempotent.
	Close() error
}

// fastStore is a Store whose limiters may decide without the interface's
// per-call argument checks: it keeps each limiter name's keys apart itself
// and gives a limiter a decider for its part, for limits the limiter has
// checked once. A limiter looks for it once, when it is built (newLimiter),
// and calls every other store through Store alone. MemoryStore implements it;
// its deciders decide exactly as its Take, Peek and Refund.
type fastStore interface {
	Store
	// decider returns the decider for the keys of the limiters named name;
	// "" is the store's own keys, for a limiter that alone uses the store.
	decider(name string) decider
}

// decider makes one decision (o) for key at the store's current instant and
// returns it (the zero Decision for a refund) with that instant. The
// Decision is returned by value, so that a caller's does not escape through
// the interface call.
type decider interface {
	decide(key string, params []bucket, limits []Limit, cost int, o op) (Decision, time.Time, error)
}
