package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqstate"
)

// pass is one limiter's allowance of one request: what to give back when a
// limiter further in refuses the request, and the storage its header values
// share, so that a pass and its headers cost one allocation.
type pass struct {
	l    *limiter
	key  string
	cost int
	// fallback is set when the limiter's fallback store (FallBack, while
	// its store was unavailable) took the tokens, so they go back there.
	fallback bool
	prev     *pass // the pass of the limiter further out, if any
	// d and now are the limiter's decision and its instant, so that a
	// limiter further in can send them when they bind (see binding).
	d   Decision
	now time.Time
	// from and rk are the limiter's handler and the request's method and
	// path there, so that a limiter further in tells it that such requests
	// reach it (see handler.learn).
	from *handler
	rk   reachKey
	// state says whether the limiter has taken (passTaken), or deferred
	// its take (deferred.go). It is atomic because the limiter further
	// in that settles a deferred take may run on another goroutine (as
	// behind middleware.Timeout) after this limiter has returned.
	state atomic.Uint32
	vals  [3]string
	buf   [48]byte
}

// binding returns, of p and the passes of the limiters further out, the one
// whose decision binds: the fewest requests remaining, then the bucket that
// takes longer to fill (the longer wait for a full allowance), then the
// limiter further in.
func (p *pass) binding() *pass {
	b := p
	for q := p.prev; q != nil; q = q.prev {
		if q.state.Load() != passTaken {
			continue
		}
		if q.d.Remaining < b.d.Remaining || q.d.Remaining == b.d.Remaining && q.d.ResetAfter > b.d.ResetAfter {
			b = q
		}
	}
	return b
}

// ledgerKey finds a request's ledger in its context.
type ledgerKey struct{}

// ledger records, for one request, every limiter that has taken tokens for
// it, so that a refusal further in gives them back. It holds the outermost
// limiter's pass in the same allocation. It lives in the request's
// per-request state (reqstate.Attach) when the request has one, so that the
// request is not copied; otherwise it is itself the context of a copy of
// the request: it then answers ledgerKey and forwards every other key to
// its parent.
type ledger struct {
	context.Context
	last    *pass // the innermost pass; nil once given back
	first   pass
	done    atomic.Bool  // the limiter that made it has returned
	pending atomic.Int32 // how many passes are pending (deferred.go)
}

// Value implements context.Context.
func (lg *ledger) Value(key any) any {
	if key == (ledgerKey{}) {
		return lg
	}
	return lg.Context.Value(key)
}

// ledgerOf returns the ledger of the limiters r is passing through, or nil.
func ledgerOf(r *http.Request) *ledger {
	lg, _ := r.Context().Value(ledgerKey{}).(*ledger)
	if lg != nil && lg.done.Load() {
		// Left by limiters that r has passed through already and that
		// have returned, as when a handler serves one request twice.
		return nil
	}
	return lg
}

// passFor records that l allowed r, taking cost tokens for key, and returns
// the pass and the request the rest of the chain serves: r itself when an
// outer limiter has already given it a ledger or it has a per-request state
// to keep one in (Attach of a nil ledger asks whether it has room), else a
// copy carrying one. made is the ledger when l made
// it; l marks it done (see ledger.done) when the request returns.
func passFor(r *http.Request, l *limiter, key string, cost int) (p *pass, _ *http.Request, made *ledger) {
	if lg := ledgerOf(r); lg != nil {
		p := &pass{l: l, key: key, cost: cost, prev: lg.last}
		lg.last = p
		return p, r, nil
	}
	if !reqstate.Attach(r, ledgerKey{}, (*ledger)(nil)) {
		// No per-request state to keep the ledger in: the request's copy
		// and the ledger that is its context share one allocation.
		b := &ledgerReq{lg: ledger{Context: r.Context(), first: pass{l: l, key: key, cost: cost}}}
		b.lg.last = &b.lg.first
		// WithContext is inlined and its copy does not escape: only b is made.
		b.r = *r.WithContext(&b.lg)
		return &b.lg.first, &b.r, &b.lg
	}
	lg := &ledger{first: pass{l: l, key: key, cost: cost}}
	lg.last = &lg.first
	reqstate.Attach(r, ledgerKey{}, lg)
	return &lg.first, r, lg
}

// ledgerReq is a ledger and the copy of the request it is the context of,
// in one allocation.
type ledgerReq struct {
	lg ledger
	r  http.Request
}

// refuse answers a request that the handler's limiter refused with d. The
// limiters further out that allowed it give back their tokens; the limiters
// mounted directly inside this one are asked how long they would make it
// wait; the answer names the binding limit of all, with its wait.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, d *Decision, cost int, now time.Time) {
	ctx := r.Context()
	if lg := ledgerOf(r); lg != nil {
		for p := lg.last; p != nil; p = p.prev {
			if st := p.state.Load(); st == passTaken || st == passLate {
				p.l.giveBack(ctx, p.key, p.cost, p.fallback)
			}
		}
		lg.last = nil
	}
	bl, bd, bcost := h.limiter, *d, cost
	for _, in := range h.inner {
		key, err := in.key(r)
		if err != nil {
			continue
		}
		if in.prefix != "" {
			key = in.prefix + key
		}
		c := in.costOf(r)
		id, err := in.peek(ctx, key, c)
		if err == nil && !id.Allowed && refusalBinds(&id, &bd) {
			bl, bd, bcost = in, id, c
		}
	}
	bl.setHeaders(w.Header(), new(pass), &bd, now)
	_, _ = errresp.Write(w, r, bl.refusal(&bd, bcost, now))
}

// refusalBinds reports whether the refusal a binds rather than b: a request
// no wait lets through, then the longer wait, then the bucket that takes
// longer to fill.
func refusalBinds(a, b *Decision) bool {
	if an, bn := a.RetryAfter == 0, b.RetryAfter == 0; an != bn {
		return an
	}
	if a.RetryAfter != b.RetryAfter {
		return a.RetryAfter > b.RetryAfter
	}
	return a.ResetAfter > b.ResetAfter
}

// peek asks l's store what a request of cost for key would get now. When
// the store is unavailable and l falls back (FallBack), it asks the
// fallback store, which would decide the request; under the other policies,
// or when the store fails otherwise, the error is returned and the refusal
// leaves l out (the refusal is then made by the limiters that answered).
func (l *limiter) peek(ctx context.Context, key string, cost int) (Decision, error) {
	if l.fast != nil {
		d, _, err := l.fast.decide(key, l.params, l.limits, cost, opPeek)
		return d, err
	}
	d, err := l.store.Peek(ctx, key, l.limits, cost)
	if err != nil && errors.Is(err, ErrUnavailable) {
		l.unavailable(ctx, err)
		if l.policy == FallBack && ctx.Err() == nil {
			return l.memory.get().Peek(ctx, key, l.limits, cost)
		}
	}
	return d, err
}

// giveBack returns cost tokens taken for key, to the fallback store when
// it took them. A store that fails to take them back keeps them: the
// request then counts against l as if it had passed (an unavailable store
// is noted as on Take, so the outage is logged once).
func (l *limiter) giveBack(ctx context.Context, key string, cost int, fallback bool) {
	switch {
	case fallback:
		_ = l.memory.get().Refund(ctx, key, l.limits, cost)
	case l.fast != nil:
		_, _, _ = l.fast.decide(key, l.params, l.limits, cost, opRefund)
	default:
		if err := l.store.Refund(ctx, key, l.limits, cost); err != nil && errors.Is(err, ErrUnavailable) {
			l.unavailable(ctx, err)
		}
	}
}
