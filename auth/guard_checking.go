package auth

import (
	"context"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// GuardCheckingPrefix starts the keys under which guards sharing a store
// (GuardStore) count, per address, the failures they have reserved and
// whose credentials are still being checked: "auth-checking:" and the
// address. A guard refused by the store while none of the address's
// failures are being checked on its own instance looks there before it
// refuses, and waits for other instances' checks to settle.
const GuardCheckingPrefix = "auth-checking:"

// How the count of failures being checked is kept: one token a failure,
// from a bucket too large to refuse, that earns back one token every
// checkingLease, so that the count of an instance that died mid-check
// wears off. A refused request polls it at most checkingWait in all.
const (
	checkingLease    = 10 * time.Second
	checkingCapacity = 1 << 20
	checkingWait     = time.Second
	checkingPollMin  = 2 * time.Millisecond
	checkingPollMax  = 50 * time.Millisecond
)

var checkingLimit = []ratelimit.Limit{{Events: 1, Period: checkingLease, Burst: checkingCapacity, Name: "checking"}}

// checking counts res, a failure reserved in the shared store, as being
// checked there.
func (g *FailureGuard) checking(ctx context.Context, res *Reservation) {
	if _, err := g.store.Take(ctx, GuardCheckingPrefix+res.key, checkingLimit, 1); err == nil {
		res.checking = true
	}
}

// checked ends the count checking started for res.
func (g *FailureGuard) checked(res *Reservation) {
	if res.checking {
		res.checking = false
		_ = g.store.Refund(res.ctx, GuardCheckingPrefix+res.key, checkingLimit, 1)
	}
}

// checkedElsewhere reports whether failures of addr are being checked on
// other instances sharing the store, as far as the store can tell.
func (g *FailureGuard) checkedElsewhere(ctx context.Context, addr string) bool {
	d, err := g.store.Peek(ctx, GuardCheckingPrefix+addr, checkingLimit, 1)
	return err == nil && d.Remaining < checkingCapacity-1
}

// pollChecking waits the next interval of a refused request's polling,
// and reports whether it may poll again: the request has waited less than
// checkingWait and is still wanted.
func pollChecking(ctx context.Context, waited *time.Duration) bool {
	d := min(max(checkingPollMin, *waited), checkingPollMax)
	if *waited+d > checkingWait {
		return false
	}
	*waited += d
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
