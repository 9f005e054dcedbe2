package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
)

// Limiters mounted apart (a group's limiter, other middleware, a route's
// limiter) cannot see each other when they are built. At run time each
// limiter tells the limiter the request passed last (the one further out)
// that requests of this method and path reach it. The limiter further out
// then asks, before it takes, whether the limiter it has seen further in
// (or those mounted directly inside that one) already knows without a round
// trip (RefusalCache) that it would refuse the request. If so, and it would
// not refuse the request itself, it defers its take: it records a pending
// pass and lets the request go on. The next limiter the request reaches
// settles what is pending before it decides: when it (or a limiter
// directly inside it) refuses the request without a round trip, it answers
// as it would have and nothing pending is taken; otherwise it takes the
// pending passes first, outermost first, as their limiters would have
// taken them, and a refusal there is answered by that limiter. A request
// that reaches no limiter further in after all (other middleware answered
// it) is counted when it returns: the deferred take is made then, without
// headers, as the response is written already.

// The states of a pass (pass.state).
const (
	passTaken    uint32 = iota // its limiter took the request's tokens
	passPending                // its limiter deferred its take
	passSettling               // the limiter reached next is taking for it
	passUntaken                // it never took: refused, or let through by FailOpen, first
	passLate                   // its limiter took after the response, none having settled it
)

// maxReach bounds the method and path pairs a limiter remembers.
const maxReach = 1024

// reachKey is a request's method and path where a limiter saw it.
type reachKey struct{ method, path string }

// reach is what a limiter has learned of the limiters further in: for a
// method and path, the limiter that such requests reached next.
type reach struct {
	n  atomic.Int32 // len(m), read without the lock
	mu sync.RWMutex
	m  map[reachKey]*handler
}

func (rc *reach) get(k reachKey) *handler {
	if rc.n.Load() == 0 {
		return nil
	}
	rc.mu.RLock()
	h := rc.m[k]
	rc.mu.RUnlock()
	return h
}

func (rc *reach) add(k reachKey, h *handler) {
	if rc.get(k) == h {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if _, ok := rc.m[k]; !ok && len(rc.m) >= maxReach {
		return
	}
	if rc.m == nil {
		rc.m = make(map[reachKey]*handler)
	}
	rc.m[k] = h
	rc.n.Store(int32(len(rc.m)))
}

// learn tells the limiter the request passed last, when it is mounted
// apart from h, that requests of its method and path reach h, when h or a
// limiter directly inside it can tell refusals without a round trip.
func (h *handler) learn(lg *ledger) {
	p := lg.last
	if p == nil || p.from == nil || p.from == h || p.from.next == http.Handler(h) || !h.cachesRefusals() {
		return
	}
	p.from.reach.add(p.rk, h)
}

// cachesRefusals reports whether h's limiter, or one directly inside it,
// has a store that knows refusals without a round trip.
func (h *handler) cachesRefusals() bool {
	if h.limiter.cachesRefusals() {
		return true
	}
	for _, in := range h.inner {
		if in.cachesRefusals() {
			return true
		}
	}
	return false
}

func (l *limiter) cachesRefusals() bool {
	_, ok := l.store.(RefusalCache)
	return ok && l.fast == nil
}

// deferTake reports whether h defers its take of r: the limiter that
// requests of r's method and path reached next, or one directly inside it,
// refuses r without a round trip, and h's own store does not.
func (h *handler) deferTake(r *http.Request, rk reachKey) bool {
	nx := h.reach.get(rk)
	if nx == nil {
		return false
	}
	refused := false
	if _, _, ok := nx.limiter.refusedLocally(r); ok {
		refused = true
	}
	for _, in := range nx.inner {
		if refused {
			break
		}
		_, _, refused = in.refusedLocally(r)
	}
	if !refused {
		return false
	}
	_, _, self := h.limiter.refusedLocally(r)
	return !self
}

// serveDeferred passes r on with a pending pass of h's limiter, for the
// next limiter it reaches to settle, and takes when r returns if none did.
func (h *handler) serveDeferred(w http.ResponseWriter, r *http.Request, key string, cost int, rk reachKey) {
	p, r, made := passFor(r, h.limiter, key, cost)
	p.from, p.rk = h, rk
	p.state.Store(passPending)
	lg := ledgerOf(r)
	lg.pending.Add(1)
	h.next.ServeHTTP(w, r)
	if p.state.CompareAndSwap(passPending, passLate) {
		// No limiter further in was reached: the request counts as it
		// would have, had the take not been deferred.
		lg.pending.Add(-1)
		h.limiter.takeAfter(context.WithoutCancel(r.Context()), key, cost)
	}
	if made != nil {
		made.done.Store(true)
	}
}

// takeAfter takes cost tokens for key after the response, under the
// limiter's store error policy (FallBack takes from the fallback store).
func (l *limiter) takeAfter(ctx context.Context, key string, cost int) {
	var err error
	if l.fast != nil {
		_, _, err = l.fast.decide(key, l.params, l.limits, cost, opTake)
	} else {
		_, err = l.store.Take(ctx, key, l.limits, cost)
	}
	if err != nil && errors.Is(err, ErrUnavailable) {
		l.unavailable(ctx, err)
		if l.policy == FallBack {
			_, _ = l.memory.get().Take(ctx, key, l.limits, cost)
		}
	}
}

// settle decides the passes pending in lg before h's limiter decides r. It
// reports whether it answered r: refused by h's limiter, or one directly
// inside it, without a round trip (nothing pending is taken), or by a
// pending limiter when it takes (what was taken is given back), or by a
// pending limiter's store error policy.
func (h *handler) settle(w http.ResponseWriter, r *http.Request, lg *ledger) bool {
	var buf [4]*pass
	pend := buf[:0] // innermost first; claimed (passSettling), so that the limiter that deferred does not take too
	for p := lg.last; p != nil; p = p.prev {
		if p.state.CompareAndSwap(passPending, passSettling) {
			lg.pending.Add(-1)
			pend = append(pend, p)
		}
	}
	drop := func(ps []*pass) {
		for _, p := range ps {
			p.state.Store(passUntaken)
		}
	}
	if len(h.inner) > 0 && h.refusedInside(w, r) {
		drop(pend)
		return true
	}
	if d, c, ok := h.limiter.refusedLocally(r); ok {
		drop(pend)
		h.refuse(w, r, &d, c, h.limiter.clock())
		return true
	}
	for i := len(pend) - 1; i >= 0; i-- {
		p := pend[i]
		passed := false
		next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { passed = true })
		d, now, fallback, err := p.l.take(w, r, next, p.key, p.cost)
		if err != nil {
			p.state.Store(passUntaken)
			if passed {
				continue // FailOpen: the request goes on without this limiter
			}
			drop(pend[:i])
			return true // answered by the policy
		}
		if !d.Allowed {
			p.state.Store(passUntaken)
			drop(pend[:i])
			p.from.refuse(w, r, &d, p.cost, now)
			return true
		}
		p.d, p.now, p.fallback = d, now, fallback
		p.state.Store(passTaken)
	}
	return false
}
