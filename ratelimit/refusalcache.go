package ratelimit

import (
	"context"
	"net/http"
)

// RefusalCache is implemented by a Store that can tell, without asking its
// backend, that a request would be refused: the Redis store remembers the
// keys Redis has refused until the instant Redis would allow them. A
// limiter mounted directly around others (New(a)(New(b)(h)), or chi's
// With(a, b)) asks their stores, and its own, before it takes its tokens:
// a request that a limiter inside would refuse anyway is refused at once,
// as that limiter would refuse it, and takes nothing, so a flood on a
// refused key costs no round trip further out (no take and refund there).
// A limiter mounted apart from the next one (other middleware between)
// asks the store of the limiter that requests of the same method and path
// reached next, and defers its take to that limiter when it would refuse
// (see the package documentation, "Limiters together").
type RefusalCache interface {
	// Refused returns the refusal Take would give now for key, limits and
	// cost, when the store knows it without asking its backend.
	Refused(key string, limits []Limit, cost int) (Decision, bool)
}

// UncachedTaker is implemented by a Store with a RefusalCache whose Take
// can be asked of the backend alone. A caller for whom giving tokens back
// is the normal path, such as a guard that reserves a failure for every
// request and refunds it when the credential proves valid, takes through
// it: a refund made by another instance sharing the backend restores a
// bucket that this instance's cache would still call refused.
type UncachedTaker interface {
	// TakeUncached is Take decided by the backend whatever the store's
	// refusal cache holds; the cache still learns from its answer.
	TakeUncached(ctx context.Context, key string, limits []Limit, cost int) (Decision, error)
}

// refusedInside answers r when a limiter mounted directly inside h, or h
// itself, knows without a round trip that it would refuse r, as the
// innermost of those would (the binding refusal of those known, by
// refusalBinds), and reports whether it did. Limiters whose stores cannot
// tell, or whose key r lacks, are left to decide as usual.
func (h *handler) refusedInside(w http.ResponseWriter, r *http.Request) bool {
	var (
		bi   = -1
		bd   Decision
		bc   int
		seen bool
	)
	for i, in := range h.inner {
		if d, c, ok := in.refusedLocally(r); ok && (!seen || refusalBinds(&d, &bd)) {
			bi, bd, bc, seen = i, d, c, true
		}
	}
	if !seen {
		return false
	}
	if d, c, ok := h.limiter.refusedLocally(r); ok && refusalBinds(&d, &bd) {
		// Refused here too, and for longer: this limiter's refusal, with
		// the peeks of those inside it.
		h.refuse(w, r, &d, c, h.limiter.clock())
		return true
	}
	in := &handler{limiter: h.inner[bi], inner: h.inner[bi+1:]}
	in.refuse(w, r, &bd, bc, in.limiter.clock())
	return true
}

// refusedLocally is l's store's refusal of r known without a round trip,
// with r's cost.
func (l *limiter) refusedLocally(r *http.Request) (Decision, int, bool) {
	rc, ok := l.store.(RefusalCache)
	if !ok || l.fast != nil {
		return Decision{}, 0, false
	}
	key, err := l.key(r)
	if err != nil {
		return Decision{}, 0, false
	}
	if l.prefix != "" {
		key = l.prefix + key
	}
	c := l.costOf(r)
	d, ok := rc.Refused(key, l.limits, c)
	return d, c, ok && !d.Allowed
}
