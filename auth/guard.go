package auth

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/apierror/apierror/ratelimit"
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
	// DefaultFailureAddresses is how many addresses a FailureGuard keeps in
	// memory.
	DefaultFailureAddresses = 100_000
	// DefaultValidCredentials is how many credentials that proved valid
	// lately a FailureGuard remembers (GuardRemember).
	DefaultValidCredentials = 10_000
	// DefaultValidFor is how long a FailureGuard remembers a credential
	// that proved valid.
	DefaultValidFor = time.Minute
)

// GuardKeyPrefix starts the keys a FailureGuard counts under in a shared
// store (GuardStore): "auth-failures:" and the address.
const GuardKeyPrefix = "auth-failures:"

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

// GuardAddresses sets how many addresses the in-memory count keeps; default
// DefaultFailureAddresses. It panics when n is not positive.
func GuardAddresses(n int) GuardOption {
	mustPositive("GuardAddresses", n)
	return func(g *FailureGuard) { g.mem.max = n }
}

// GuardRemember sets how many credentials that proved valid lately the
// guard remembers, at most, and for how long; default
// DefaultValidCredentials for DefaultValidFor. A request carrying one of
// them reserves no failure at the door (see FailureGuard). n = 0 turns the
// memory off. It panics when n is negative or ttl is not positive.
func GuardRemember(n int, ttl time.Duration) GuardOption {
	if n < 0 {
		panic("apierror/auth: GuardRemember: negative size")
	}
	mustPositive("GuardRemember duration", ttl)
	return func(g *FailureGuard) { g.valid.max, g.valid.ttl = n, ttl }
}

// GuardStore counts failures in s, a ratelimit.Store that several
// instances of the service share (such as the Redis store), so that they
// keep one cap between them, under the key GuardKeyPrefix + address and a
// limit named "failures". Guards sharing a store count an address's
// failures together. When s fails (its error, Redis down), the guard
// decides with its own in-memory count, so an outage gives an attacker at
// most the cap once more on each instance, never unlimited guesses, and
// never refuses a valid credential. When s is a ratelimit.UncachedTaker
// (the Redis store is), the guard takes through TakeUncached: it gives back
// a failure for every valid credential, and a refusal this instance's
// cache remembers may have been undone by such refunds on another
// instance. While s fails, a refusal it still knows of without its
// backend (ratelimit.RefusalCache) holds. It panics when s is nil.
func GuardStore(s ratelimit.Store) GuardOption {
	if s == nil {
		panic("apierror/auth: GuardStore needs a store")
	}
	return func(g *FailureGuard) { g.store = s }
}

// FailureGuard counts failed credentials (wrong API keys, tokens, sessions,
// passwords and one-time codes) per client address, and refuses an address
// that has failed too often: past the burst (DefaultFailureBurst), every
// request from it that carries a credential is answered 429 RateLimited with
// Retry-After, without being checked, until it has earned another attempt.
//
// # Counting at the door
//
// A failure is counted before the credential is checked: Reserve takes one
// from the address's allowance when it admits the request, and the
// Reservation's Cancel gives it back when the credential proves valid (or
// the request fails for a reason that is not a guess). So N concurrent
// guesses from one address never pass the cap, however long the Verifier
// takes, and a valid credential costs nothing. It does not reset the count
// either, so interleaving a valid key does not buy guesses. A credential the
// service issued that has ended (see ErrEnded) is given back too: a stale
// browser tab is not an attacker.
//
// # Legitimate concurrency from one address
//
// An office behind one NAT, or one client with a pool of connections,
// sends many requests with valid credentials at once; the guard never
// refuses them for failures they did not make. The Authenticator's
// requests (not Throttle's or ReserveAt's) are counted so:
//
//   - Requests from one address carrying the identical credential at the
//     same time are one guess: the first reserves one failure, the others
//     share it (compared by a 128-bit hash under random seeds, never the
//     secret), and the first verdict settles it. So 100 concurrent
//     requests with one key cost one reservation per instance, given back.
//   - A credential that proved valid lately (GuardRemember: 10,000 of them
//     for a minute by default, in memory) reserves nothing: no one enters
//     that memory without a credential the Verifier accepted, so it gives a
//     guesser nothing, and the Verifier still checks every request. Should
//     such a credential be refused (revoked since), the failure is counted
//     then and the credential forgotten. Its holder is served even while
//     others behind the same address are locked out.
//   - A request that finds the address's allowance spent while failures
//     this instance reserved for the address are still being checked waits
//     for them instead of being refused: when one is given back (a valid
//     credential) it tries again; when all are kept (guesses) it is
//     refused. So 50 distinct valid keys arriving at once, more than the
//     burst, all pass on one instance, at most burst of them being checked
//     at a time; guesses never wake one another, so a flood still costs
//     one take a request. Across instances sharing a store (GuardStore),
//     each counts the failures it is checking in the store too
//     (GuardCheckingPrefix; one more round trip to reserve and one to
//     settle): a request the store refuses while none of the address's
//     failures are being checked on its own instance, but some are on
//     others, polls the store (2 to 50 ms apart) for up to a second,
//     taking a failure given back meanwhile. So 50 distinct valid keys at
//     once pass across instances too, when the others' checks settle
//     within that second; a refused guess costs one look more (a peek).
//
// These keep the cap exact: a guess (a credential never seen valid)
// always takes a failure from the allowance before the Verifier sees it,
// so N concurrent wrong guesses from one address never pass the cap.
//
// The answer does not depend on why the credentials failed, so it tells an
// unknown account from a wrong password no better than the 401 does.
//
// # Where the count lives
//
// By default in memory, one entry (about 150 bytes) per address seen
// recently, at most GuardAddresses entries. When full, a new address takes
// the place of the least recently seen address that is not locked out (one
// whose next attempt would pass); an address that is locked out is never
// forgotten, so neither waiting nor a flood of other addresses frees it.
// When every entry the guard looks at (up to 64, least recently seen first)
// is locked out, the new address is counted in one overflow allowance that
// all such newcomers share, with the same limit: under a flood of locked-out
// addresses the newcomers together get the cap's worth of guesses, then are
// refused until lockouts end and make room. With GuardStore, the count lives
// in the shared store and its bounds are the store's.
//
// An Authenticator has one by default (WithGuard); its Fail method and
// Throttle middleware serve sign-in handlers. A FailureGuard is safe for
// concurrent use.
type FailureGuard struct {
	burst int
	every time.Duration
	key   func(*http.Request) string
	store ratelimit.Store // nil: mem alone
	take  func(context.Context, string, []ratelimit.Limit, int) (ratelimit.Decision, error)
	limit []ratelimit.Limit
	mem   guardTable

	flights flights    // the Authenticator's requests in progress
	valid   validCache // credentials that proved valid lately
}

// NewFailureGuard returns a FailureGuard with the defaults, changed by opts.
func NewFailureGuard(opts ...GuardOption) *FailureGuard {
	g := &FailureGuard{burst: DefaultFailureBurst, every: DefaultFailureEvery, key: guardAddr}
	g.mem.max = DefaultFailureAddresses
	g.valid.max, g.valid.ttl = DefaultValidCredentials, DefaultValidFor
	g.flights.init()
	for _, o := range opts {
		o(g)
	}
	g.mem.burst, g.mem.every = g.burst, g.every
	g.limit = []ratelimit.Limit{{Events: 1, Period: g.every, Burst: g.burst, Name: "failures"}}
	if u, ok := g.store.(ratelimit.UncachedTaker); ok {
		g.take = u.TakeUncached // refunds are the guard's normal path
	} else if g.store != nil {
		g.take = g.store.Take
	}
	return g
}

// Reservation is one failure a FailureGuard counted in advance for a
// request it admitted. Cancel gives it back; leaving it counts the failure.
type Reservation struct {
	g     *FailureGuard
	ctx   context.Context // for the store's refund; never cancelled
	key   string
	entry *guardEntry // in the memory count; nil: the store's
	done  bool

	checking bool // counted under GuardCheckingPrefix too

	// The Authenticator's reservations (reserveFor): the credential's
	// hash, and the flight shared with the requests carrying it at the
	// same time, or late when the credential proved valid lately and
	// nothing was reserved.
	cred credHash
	fl   *flight
	late bool
}

// Reserve counts one failure against r's address in advance, when the
// address may try a credential, and returns the Reservation to Cancel if
// the credential proves valid. When the address has failed too often, it
// counts nothing and returns NewTooManyFailures.
func (g *FailureGuard) Reserve(r *http.Request) (*Reservation, error) {
	return g.ReserveAt(r.Context(), g.key(r), time.Now())
}

// ReserveAt is Reserve for the address (or any other key, such as an
// account) key at the instant now. With GuardStore the store's own clock
// decides, and now serves the in-memory count it falls back on.
func (g *FailureGuard) ReserveAt(ctx context.Context, key string, now time.Time) (*Reservation, error) {
	res := new(Reservation)
	if err := g.reserveInto(ctx, key, now, res); err != nil {
		return nil, err
	}
	return res, nil
}

// reserveInto is ReserveAt writing the Reservation into res.
func (g *FailureGuard) reserveInto(ctx context.Context, key string, now time.Time, res *Reservation) error {
	if g.store != nil {
		d, err := g.take(ctx, GuardKeyPrefix+key, g.limit, 1)
		if err == nil {
			if !d.Allowed {
				return NewTooManyFailures(d.RetryAfter)
			}
			*res = Reservation{g: g, ctx: context.WithoutCancel(ctx), key: key}
			return nil
		}
		if rc, ok := g.store.(ratelimit.RefusalCache); ok {
			// The store is away: a refusal it has seen still holds.
			if d, ok := rc.Refused(GuardKeyPrefix+key, g.limit, 1); ok {
				return NewTooManyFailures(d.RetryAfter)
			}
		}
	}
	e, over := g.mem.reserve(key, now)
	if over > 0 {
		return NewTooManyFailures(over)
	}
	*res = Reservation{g: g, key: key, entry: e}
	return nil
}

// Cancel gives the reserved failure back: the credential was valid, or
// the request failed for a reason that is not a guess. It may be called
// more than once, and on a nil Reservation; only the first call counts. A
// Reservation belongs to one request: Cancel it from one goroutine.
func (res *Reservation) Cancel() {
	if res == nil || res.done {
		return
	}
	if res.fl != nil || res.late {
		res.settle(verdictOther)
		return
	}
	res.done = true
	if res.entry == nil {
		_ = res.g.store.Refund(res.ctx, GuardKeyPrefix+res.key, res.g.limit, 1)
		return
	}
	res.g.mem.cancel(res.key, res.entry)
}

// guardAddr is the default key: RemoteAddr's host, IPv6 cut to /64.
func guardAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil || a.Is4() {
		// ParseAddr takes only the canonical dotted quad for IPv4, so
		// host is already what a.String() would make.
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// mustPositive panics with the package prefix when n is not positive.
func mustPositive[N ~int | ~int64](what string, n N) {
	if n <= 0 {
		panic("apierror/auth: " + what + " must be positive")
	}
}
