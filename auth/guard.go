package auth

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/apierror/apierror/errresp"
)

// The FailureGuard's defaults.
const (
	// DefaultFailureBurst is how many failed credentials an address may
	// send in a row before it is refused.
	DefaultFailureBurst = 20
	// DefaultFailureEvery is how often, once refused, an address earns
	// another attempt: 20 failures at once, then one every 30 seconds
	// (120 an hour) at most.
	DefaultFailureEvery = 30 * time.Second
	// DefaultFailureAddresses is how many addresses a FailureGuard keeps.
	DefaultFailureAddresses = 100_000
)

// GuardOption configures a FailureGuard.
type GuardOption func(*FailureGuard)

// GuardLimit sets the threshold: burst failures in a row, then one every
// every. It panics unless both are positive.
func GuardLimit(burst int, every time.Duration) GuardOption {
	mustPositive("GuardLimit burst", burst)
	mustPositive("GuardLimit interval", every)
	return func(g *FailureGuard) { g.burst, g.every = burst, every }
}

// GuardKey sets how the caller's address is found; the default is the host
// of Request.RemoteAddr, an IPv6 address cut to its /64 network (one
// subscriber's usual allocation). Behind a proxy, pass a function reading
// the forwarded address the proxy sets, such as ratelimit.ByIP's.
func GuardKey(fn func(*http.Request) string) GuardOption {
	if fn == nil {
		panic("apierror/auth: GuardKey needs a function")
	}
	return func(g *FailureGuard) { g.key = fn }
}

// GuardAddresses sets how many addresses are kept; default
// DefaultFailureAddresses. It panics when n is not positive.
func GuardAddresses(n int) GuardOption {
	mustPositive("GuardAddresses", n)
	return func(g *FailureGuard) { g.max = n }
}

// FailureGuard counts failed credentials (wrong API keys, tokens, sessions,
// passwords and one-time codes) per client address, and refuses an address
// that has failed too often: past the burst (DefaultFailureBurst), every
// request from it that carries a credential is answered 429 RateLimited with
// Retry-After, without being checked, until it has earned another attempt.
// A success does not reset the count, so interleaving a valid key does not
// buy guesses.
//
// The answer does not depend on why the credentials failed, so it tells an
// unknown account from a wrong password no better than the 401 does.
//
// The record lives in memory, one entry (about 100 bytes) per address that
// failed recently; an entry is forgotten once its failures have all been
// earned back. It keeps at most GuardAddresses entries: when full, entries
// of addresses not refused are dropped first, then new addresses are not
// counted until room is made. Each process keeps its own count.
//
// An Authenticator has one by default (WithGuard); its Fail method and
// Throttle middleware serve sign-in handlers. A FailureGuard is safe for
// concurrent use.
type FailureGuard struct {
	burst int
	every time.Duration
	max   int
	key   func(*http.Request) string

	mu      sync.Mutex
	tat     map[string]time.Time // when every failure of the address is earned back
	sweepAt int
}

// NewFailureGuard returns a FailureGuard with the defaults, changed by opts.
func NewFailureGuard(opts ...GuardOption) *FailureGuard {
	g := &FailureGuard{burst: DefaultFailureBurst, every: DefaultFailureEvery,
		max: DefaultFailureAddresses, key: guardAddr, sweepAt: 64}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Check returns nil when r's address may try a credential, and
// NewTooManyFailures otherwise.
func (g *FailureGuard) Check(r *http.Request) error { return g.CheckAt(g.key(r), time.Now()) }

// CheckAt is Check for the address key at the instant now.
func (g *FailureGuard) CheckAt(key string, now time.Time) error {
	g.mu.Lock()
	tat, ok := g.tat[key]
	g.mu.Unlock()
	if !ok {
		return nil
	}
	if over := tat.Sub(now) - time.Duration(g.burst-1)*g.every; over > 0 {
		return NewTooManyFailures(over)
	}
	return nil
}

// Fail counts one failed credential against r's address.
func (g *FailureGuard) Fail(r *http.Request) { g.FailAt(g.key(r), time.Now()) }

// FailAt is Fail for the address key at the instant now.
func (g *FailureGuard) FailAt(key string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	tat, ok := g.tat[key]
	if !ok {
		if g.tat == nil {
			g.tat = make(map[string]time.Time)
		}
		if len(g.tat) >= g.sweepAt || len(g.tat) >= g.max {
			g.sweepLocked(now)
		}
		if len(g.tat) >= g.max {
			return
		}
	}
	if tat.Before(now) {
		tat = now
	}
	g.tat[key] = tat.Add(g.every)
}

// sweepLocked forgets addresses whose failures are earned back and, when
// still full, those not refused; g.mu is held.
func (g *FailureGuard) sweepLocked(now time.Time) {
	for k, tat := range g.tat {
		if !tat.After(now) {
			delete(g.tat, k)
		}
	}
	if len(g.tat) >= g.max {
		limit := now.Add(time.Duration(g.burst) * g.every)
		for k, tat := range g.tat {
			if tat.Before(limit) {
				delete(g.tat, k)
			}
		}
	}
	g.sweepAt = max(2*len(g.tat), 64)
}

// guardAddr is the default key: RemoteAddr's host, IPv6 cut to /64.
func guardAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// WithGuard sets the FailureGuard that counts the Authenticator's failed
// credentials; share one between Authenticators (API keys, sessions,
// pending sign-ins) to count an address's failures together. The default is
// a FailureGuard of its own with the defaults; nil turns counting off.
func WithGuard(g *FailureGuard) Option {
	return func(c *authConfig) { c.guard, c.guardSet = g, true }
}

// Guard returns the Authenticator's FailureGuard, nil when WithGuard(nil)
// turned it off.
func (a *Authenticator) Guard() *FailureGuard { return a.guard }

// Throttle is middleware for sign-in routes (password, one-time code) that
// the Authenticator does not guard itself: a request from an address its
// FailureGuard refuses is answered NewTooManyFailures before the handler
// runs, so no password is hashed for it. Count the handler's failures with
// Fail.
func (a *Authenticator) Throttle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.guard != nil {
			if err := a.guard.Check(r); err != nil {
				a.fail(w, r, errresp.From(err), 0)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// guardCounts reports whether a failure of kind k counts against the
// caller's address: credentials refused, not the service's own faults or
// the guard's own refusal.
func guardCounts(k errresp.Kind) bool {
	switch k {
	case errresp.CredentialInvalid, errresp.CredentialExpired, errresp.CredentialMalformed,
		errresp.SessionExpired, errresp.InvalidCredentials, errresp.InvalidOTP:
		return true
	}
	return false
}

// mustPositive panics with the package prefix when n is not positive.
func mustPositive[N ~int | ~int64](what string, n N) {
	if n <= 0 {
		panic("apierror/auth: " + what + " must be positive")
	}
}
