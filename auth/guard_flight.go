package auth

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// credHash is a credential's 128-bit hash under the guard's random seeds:
// what the guard compares and keeps instead of the secret.
type credHash [2]uint64

// flightKey names one credential tried from one address.
type flightKey struct {
	addr string
	cred credHash
}

// flight is the one failure reserved for the requests from one address
// that carry one credential at the same time: they are one guess. The
// first request (lead) reserves it (or is refused); the others wait for
// that and share the outcome. The first of them to learn the verdict
// settles the flight: a guess keeps the failure, a valid credential gives
// it back. The fields but res and lead are guarded by flights.mu.
type flight struct {
	res     Reservation   // the reserved failure, once decided without err
	lead    Reservation   // the first request's handle
	err     error         // the refusal
	decided bool          // res or err is set
	ready   chan struct{} // closed once decided; made by the first to wait
	settled bool          // the verdict is in
	guess   bool          // the verdict: a guess
}

// addrFlights is one address's flights in progress.
type addrFlights struct {
	n       int           // flights in the table
	held    int           // failures being reserved or reserved, not yet settled
	back    uint64        // how many were given back so far
	waiters int           // requests waiting for one to settle
	wake    chan struct{} // closed when one is given back or held drops to 0
}

// verdict is what a request's credential proved to be.
type verdict uint8

const (
	verdictGuess verdict = iota // refused: a guess, its failure kept
	verdictValid                // valid: given back, and remembered
	verdictOther                // refused for another reason: given back
)

// flights is a FailureGuard's table of flights in progress, by credential
// and by address. It holds only requests in progress, so it needs no bound
// of its own.
type flights struct {
	mu    sync.Mutex
	seeds [2]maphash.Seed
	m     map[flightKey]*flight
	addrs map[string]*addrFlights
	free  []*addrFlights // dropped from addrs, for reuse
}

func (fl *flights) init() {
	fl.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	fl.m = make(map[flightKey]*flight)
	fl.addrs = make(map[string]*addrFlights)
	fl.free = make([]*addrFlights, 0, 64)
}

func (fl *flights) hash(secret string) credHash {
	return credHash{maphash.String(fl.seeds[0], secret), maphash.String(fl.seeds[1], secret)}
}

// reserveFor reserves one failure for a request from addr carrying secret,
// or refuses it, as ReserveAt does, with three differences: a credential
// that proved valid lately reserves nothing (the valid cache); requests
// carrying the same credential from the same address at the same time
// share one reservation; and a request that finds the address's allowance
// spent while failures of its own requests are still being checked here
// waits for them to settle instead of being refused: a valid credential
// among them gives its failure back, and the waiting request takes it.
func (g *FailureGuard) reserveFor(ctx context.Context, addr, secret string) (*Reservation, error) {
	fl := &g.flights
	h := fl.hash(secret)
	if g.valid.has(h, time.Now()) {
		return &Reservation{g: g, ctx: ctx, key: addr, cred: h, late: true}, nil
	}
	k := flightKey{addr, h}
	fl.mu.Lock()
	if f, ok := fl.m[k]; ok {
		if !f.decided {
			if f.ready == nil {
				f.ready = make(chan struct{})
			}
			ready := f.ready
			fl.mu.Unlock()
			select {
			case <-ready:
			case <-ctx.Done():
				// The first request is still being decided; this one is
				// leaving: answer it as refused, counting nothing.
				return nil, NewTooManyFailures(time.Second)
			}
		} else {
			fl.mu.Unlock()
		}
		if f.err != nil {
			return nil, f.err
		}
		return &Reservation{g: g, ctx: ctx, key: addr, cred: h, fl: f}, nil
	}
	f := &flight{}
	fl.m[k] = f
	a := fl.addrs[addr]
	if a == nil {
		a = fl.newAddrLocked()
		fl.addrs[addr] = a
	}
	a.n++
	fl.mu.Unlock()
	err := g.reserveWaiting(ctx, addr, a, &f.res)
	fl.mu.Lock()
	f.err, f.decided = err, true
	if f.ready != nil {
		close(f.ready)
	}
	if err != nil {
		delete(fl.m, k)
		fl.doneLocked(addr, a)
		fl.mu.Unlock()
		return nil, err
	}
	fl.mu.Unlock()
	f.lead = Reservation{g: g, ctx: ctx, key: addr, cred: h, fl: f}
	return &f.lead, nil
}

// reserveWaiting reserves one failure for addr. When the address's
// allowance is spent while failures reserved here are still being checked
// (held), it waits: for one of them to be given back, then tries again, or
// for all to be kept, then is refused. Refusals never wake one another, so
// a flood of guesses costs no more than one take each.
func (g *FailureGuard) reserveWaiting(ctx context.Context, addr string, a *addrFlights, res *Reservation) error {
	fl := &g.flights
	var polled time.Duration
	for {
		fl.mu.Lock()
		back := a.back
		a.held++ // counted before the take, so that no waiter misses it
		fl.mu.Unlock()
		err := g.reserveInto(ctx, addr, time.Now(), res)
		if err == nil {
			if res.entry == nil && g.store != nil {
				g.checking(ctx, res)
			}
			return nil
		}
		fl.mu.Lock()
		a.held--
		for a.back == back {
			if a.held == 0 || ctx.Err() != nil {
				if a.held == 0 {
					wakeLocked(a)
				}
				fl.mu.Unlock()
				if g.store != nil && ctx.Err() == nil && g.checkedElsewhere(ctx, addr) && pollChecking(ctx, &polled) {
					// Other instances are checking failures of the
					// address: one may be given back.
					fl.mu.Lock()
					break
				}
				return err
			}
			if a.wake == nil {
				a.wake = make(chan struct{})
			}
			wake := a.wake
			a.waiters++
			fl.mu.Unlock()
			select {
			case <-wake:
			case <-ctx.Done():
			}
			fl.mu.Lock()
			a.waiters--
		}
		fl.mu.Unlock() // one was given back: try again
	}
}

// wakeLocked wakes a's waiters; the flights' lock is held.
func wakeLocked(a *addrFlights) {
	if a.wake != nil {
		close(a.wake)
		a.wake = nil
	}
}

// settle gives the verdict on res's credential; only the first call
// counts, and a nil res is ignored. A guess keeps the failure; otherwise
// it is given back, and a valid credential is remembered. Only the first
// verdict on a flight counts: a later guess on a flight given back (a
// credential revoked in between) is counted then, as is a guess with a
// credential that skipped the door because it had proved valid.
func (res *Reservation) settle(v verdict) {
	if res == nil || res.done {
		return
	}
	res.done = true
	g := res.g
	if v == verdictValid && !res.late {
		// A credential remembered already is kept until its time is up
		// (then it reserves once more and is remembered again): no write
		// on the way of the requests that skip the door.
		g.valid.add(res.cred, time.Now())
	}
	if res.fl == nil {
		switch {
		case res.late && v == verdictGuess:
			g.countLate(res)
		case !res.late && v != verdictGuess:
			res.done = false
			res.Cancel()
		}
		return
	}
	f, fl := res.fl, &g.flights
	fl.mu.Lock()
	if f.settled {
		later := v == verdictGuess && !f.guess
		fl.mu.Unlock()
		if later {
			g.countLate(res)
		}
		return
	}
	f.settled, f.guess = true, v == verdictGuess
	k := flightKey{res.key, res.cred}
	if fl.m[k] == f {
		delete(fl.m, k)
	}
	a := fl.addrs[res.key]
	fl.mu.Unlock()
	if !f.guess {
		f.res.Cancel() // before the waiters wake, so that they find it back
	}
	if f.res.checking {
		g.checked(&f.res)
	}
	fl.mu.Lock()
	a.held--
	if !f.guess {
		a.back++
	}
	if !f.guess || a.held == 0 {
		wakeLocked(a)
	}
	fl.doneLocked(res.key, a)
	fl.mu.Unlock()
}

// countLate counts the guess of a request that reserved nothing at the
// door, and forgets its credential as valid.
func (g *FailureGuard) countLate(res *Reservation) {
	g.valid.forget(res.cred)
	_, _ = g.ReserveAt(context.WithoutCancel(res.ctx), res.key, time.Now())
}

// doneLocked ends one of a's flights, and drops a when nothing is left in
// it; fl.mu is held.
func (fl *flights) doneLocked(addr string, a *addrFlights) {
	a.n--
	if a.n == 0 && a.waiters == 0 {
		delete(fl.addrs, addr)
		if len(fl.free) < cap(fl.free) {
			fl.free = append(fl.free, a) // nothing refers to it any more
		}
	}
}

// newAddrLocked returns an empty addrFlights, reused when one is free;
// fl.mu is held.
func (fl *flights) newAddrLocked() *addrFlights {
	if n := len(fl.free); n > 0 {
		a := fl.free[n-1]
		fl.free = fl.free[:n-1]
		*a = addrFlights{}
		return a
	}
	return new(addrFlights)
}
