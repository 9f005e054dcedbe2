// Package redisstore is a [ratelimit.Store] on Redis, so that a limit holds
// across every instance of a service instead of once per instance.
//
// Each decision is one round trip: a Lua script (GCRA, the generic cell rate
// algorithm) run with EVALSHA (sent again with EVAL only when Redis answers
// NOSCRIPT, after a restart or SCRIPT FLUSH). For the common single limit,
// the script reads and writes one string key (TIME, GET, SET); for several
// limits at once it checks every limit of the request against the client's
// buckets in one hash and takes the tokens from all of them or from none.
// Peek (the decision, taking nothing) runs the same script in a mode that
// writes nothing, and Refund (an allowed decision's tokens given back, for
// limiters mounted apart) a script of its own for each key layout; each is
// one round trip, with Take's errors and health accounting.
// Its answers are exactly those of the in-memory store (same limits, burst,
// cost, remaining, reset and retry times, to the nanosecond), so switching
// stores changes nothing a client sees. The clock is Redis's (TIME), so
// instances whose clocks disagree still agree on every bucket.
//
// # Keys
//
// A client's single-limit bucket is the string "<prefix>{<key>}:<interval
// ns>:<capacity>", holding the instant the bucket is full again in
// nanoseconds since the Unix epoch modulo 9×10¹⁵ (one number, exact in
// Lua's doubles). A client's buckets for several limits, or for one limit
// whose bucket takes more than 4×10¹⁵ ns (about 46 days) to fill, are one
// hash, "<prefix>{<key>}", holding one field per limit ("<interval
// ns>:<capacity>") whose value is that instant in nanoseconds since the
// Unix epoch. The braces are a Cluster hash tag: all
// of a client's buckets live in one slot, so the store works on a single
// server, behind Sentinel and on Redis Cluster alike (any
// [redis.UniversalClient]). A key expires on its own once its slowest bucket
// is full again (rounded up to a whole second, so that a busy client's key
// is overwritten in place rather than made anew), when it would say exactly
// what a missing one says. A key
// longer than ratelimit.MaxKeyLen is held as a digest, so Redis's memory per
// client is bounded whatever the key. The store owns every key under its
// prefix: a key there that holds another type, or a value the store cannot
// have written (not a time, or one further ahead than the bucket's length
// plus a minute, the allowance for another node's clock after a failover),
// is deleted by the script that finds it; that one request fails
// with an error wrapping [ErrCorruptKey] (answered by the limiter's
// policy, logged with the request, not as an outage), and the client's next
// request starts a full bucket. Other keys are not affected.
//
// # When Redis is away
//
// The store decides or fails; it never answers with HTTP. A failure because
// Redis could not be asked wraps [ratelimit.ErrUnavailable], and the
// limiter's one policy (ratelimit.WithStoreErrorPolicy: fall back to its own memory
// store, the default; allow; or answer 503) says what the request gets.
//
// Each decision waits at most the timeout ([WithTimeout], 100ms by
// default), or the caller's deadline when that is nearer (then the store
// adds no context of its own), whether or not the client was built with
// ContextTimeoutEnabled (without it, go-redis would wait out its own read
// timeout, 3s by default, and retry).
//
// Errors are told apart by cause. A failed dial, a timeout, a broken
// connection and the replies LOADING, BUSY, CLUSTERDOWN, MASTERDOWN,
// TRYAGAIN, READONLY, OOM and the like mean the node cannot decide for any
// key: the store marks the node down, logs once that the outage began
// (with the node, the error and the request id), and answers every decision
// for a key on that node at once, without asking it. A problem of one key's
// data (WRONGTYPE, a value it cannot read) is that key's alone (see Keys).
//
// Health is kept per node. On Redis Cluster, the node is the master serving
// the key's slot, so a failing master affects only the keys in its slots;
// keys on the other masters keep asking Redis.
//
// While a node is down, a goroutine of the store probes it every retry
// interval ([WithRetryInterval], 100ms by default), so recovery needs no
// traffic: once the node answers again, the next decision, however many
// arrive at once, goes to Redis, and the store logs once that it is back.
// A probe first sends PING on a connection of its own, so that probing a
// dead server does not push go-redis's pool into its dial back-off (after
// PoolSize failed dials in a row it dials only once a second), then PING
// through the client's pool. On Cluster, each probe also has go-redis
// reload the slot map, so a completed failover (a replica promoted for the
// failed master's slots) is followed within a retry interval plus go-redis's
// reload pause (200ms). The prober sleeps while every node is up and stops
// on Close.
//
// Measured on loopback (TestOutage: Redis killed and restarted, or frozen
// and thawed, for over a second under two store instances, no request
// between its return and the burst that follows), the next decision goes to
// Redis 5 to 90 ms after Redis is back, within the retry interval, in six
// runs under the race detector on a shared two-core machine. go-redis's
// dial back-off does not come into it: the test's clients have a pool of 4,
// which probes through the pool would have pushed into the back-off within
// 400 ms of the outage, adding up to a second to the recovery.
//
// What a decision made while Redis was away costs when it returns: the
// limiter's fallback decisions are not charged to Redis (they were made,
// and limited, by each instance; replaying them later would charge clients
// for requests long past). A decision that reached a Redis that then froze
// (a hung server, SIGSTOP) and timed out is answered by the policy, and is
// still charged when Redis thaws and runs it: the client may pay twice for
// it, never less.
//
// # Precision
//
// Lua numbers are doubles, so the scripts split instants into seconds and
// nanoseconds and work on times relative to now. Their answers are exact
// (and equal to the in-memory store's) for every limit whose bucket fills
// within 2^53 ns, about 104 days (Capacity × Interval); beyond that they may
// differ by the rounding of a double of that size (under a microsecond for
// a bucket that takes a century to fill).
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redisnode"
	"github.com/apierror/apierror/ratelimit"
)

// Defaults.
const (
	// DefaultPrefix starts every key the store writes.
	DefaultPrefix = "ratelimit:"
	// DefaultTimeout is how long one decision may wait for Redis.
	DefaultTimeout = 100 * time.Millisecond
	// DefaultRetryInterval is how often the store probes a node that is
	// down.
	DefaultRetryInterval = 100 * time.Millisecond
)

// Store is a [ratelimit.Store] on Redis. Make one with [New]; it is safe for
// concurrent use.
type Store struct {
	client  redis.UniversalClient
	prefix  string
	timeout time.Duration
	retry   time.Duration
	logger  *slog.Logger
	now     func() time.Time // nil: Redis's TIME

	nodes  *redisnode.Nodes // health, prober, deadlines
	closed atomic.Bool
}

var _ ratelimit.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the prefix of every key the store writes (default
// DefaultPrefix). It must not contain '{' or '}', which would change the
// Cluster hash tag.
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// WithTimeout sets how long one decision may wait for Redis (default
// DefaultTimeout); past it the decision fails with ratelimit.ErrUnavailable
// and the node is marked down. It also bounds each probe.
func WithTimeout(d time.Duration) Option { return func(s *Store) { s.timeout = d } }

// WithRetryInterval sets how often the store probes a node that is down
// (default DefaultRetryInterval).
func WithRetryInterval(d time.Duration) Option { return func(s *Store) { s.retry = d } }

// WithLogger sets the logger for outage and recovery lines (default
// slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.logger = l } }

// WithClock makes the store send the time from now with each decision instead
// of using Redis's clock. It exists for tests, which run on fixed instants;
// production stores should keep Redis's clock, on which every instance
// agrees.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns a Store that keeps its buckets in Redis through client, which
// the caller keeps and closes. For the timeout to bound every wait at no
// extra cost, build the client with ContextTimeoutEnabled (otherwise each
// decision runs in a goroutine of its own, which the caller stops waiting
// for at the deadline). New panics on a nil client or logger, a prefix
// holding a brace, or a timeout or retry interval that is not positive.
// Close stops the store's prober.
func New(client redis.UniversalClient, opts ...Option) *Store {
	if client == nil {
		panic("apierror/ratelimit/redisstore: nil client")
	}
	s := &Store{
		client:  client,
		prefix:  DefaultPrefix,
		timeout: DefaultTimeout,
		retry:   DefaultRetryInterval,
		logger:  slog.Default(),
	}
	for _, o := range opts {
		o(s)
	}
	switch {
	case strings.ContainsAny(s.prefix, "{}"):
		panic("apierror/ratelimit/redisstore: prefix " + fmt.Sprintf("%q", s.prefix) + " holds a brace, which would change the Cluster hash tag")
	case s.timeout <= 0:
		panic("apierror/ratelimit/redisstore: timeout must be positive")
	case s.retry <= 0:
		panic("apierror/ratelimit/redisstore: retry interval must be positive")
	case s.logger == nil:
		panic("apierror/ratelimit/redisstore: nil logger")
	}
	s.nodes = redisnode.New(redisnode.Config{
		Client:        client,
		Timeout:       s.timeout,
		RetryInterval: s.retry,
		Logger:        s.logger,
		Name:          "apierror/ratelimit/redisstore",
		Unavailable:   ratelimit.ErrUnavailable,
	})
	return s
}

// Take decides one request of the given cost against every limit for key,
// atomically, in one round trip to Redis. A nil error with Allowed false
// means the limit was reached. When the key's node is down, or fails or is
// slower than the timeout, the error wraps ratelimit.ErrUnavailable; when
// the key held data the store cannot read, it wraps ErrCorruptKey.
func (s *Store) Take(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	return s.decide(ctx, key, limits, cost, opTake)
}

// Peek returns the decision Take would return now, and takes nothing: the
// same script runs in a mode that writes nothing, in one round trip, with
// Take's errors and its health accounting. It implements ratelimit.Store.
func (s *Store) Peek(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	return s.decide(ctx, key, limits, cost, opPeek)
}

// Refund gives back cost tokens to each of limits for key, in one round
// trip, undoing an allowed Take: ratelimit's limiters call it when a limiter
// further in refuses a request that one further out allowed. A bucket Redis
// no longer holds is full already and is left alone. Its errors, and its
// health accounting, are Take's: while the key's node is down it fails at
// once with ratelimit.ErrUnavailable (the tokens stay taken), and a key
// holding data the store cannot read is deleted (ErrCorruptKey). It
// implements ratelimit.Store.
func (s *Store) Refund(ctx context.Context, key string, limits []ratelimit.Limit, cost int) error {
	if cost == 0 {
		return validate(limits, cost)
	}
	_, err := s.decide(ctx, key, limits, cost, opRefund)
	return err
}

// op is what a script run does with the buckets.
type op uint8

const (
	opTake   op = iota // decide, and take the tokens when allowed
	opPeek             // decide, and write nothing
	opRefund           // give the tokens back
)

// decide runs op for key: Take, Peek and Refund share the checks, the
// health accounting and the classification of errors.
func (s *Store) decide(ctx context.Context, key string, limits []ratelimit.Limit, cost int, o op) (ratelimit.Decision, error) {
	if err := validate(limits, cost); err != nil {
		return ratelimit.Decision{}, err
	}
	if len(limits) == 0 {
		return ratelimit.Decision{Allowed: true}, nil
	}
	if s.closed.Load() {
		return ratelimit.Decision{}, ratelimit.ErrStoreClosed
	}
	rk := s.redisKey(key, limits)
	nd, err := s.nodes.Route(ctx, rk)
	if err != nil {
		return ratelimit.Decision{}, err
	}
	var d ratelimit.Decision
	err = s.nodes.Do(ctx, func(ctx context.Context) error {
		var err error
		d, err = s.eval(ctx, rk, limits, cost, o)
		return err
	})
	if err == nil {
		return d, nil
	}
	if ctx.Err() != nil {
		// The caller gave up (or its own deadline passed); that says
		// nothing about Redis.
		return ratelimit.Decision{}, fmt.Errorf("apierror/ratelimit/redisstore: %w", err)
	}
	switch {
	case errors.Is(err, ErrCorruptKey) || errors.Is(err, errBadReply):
		return ratelimit.Decision{}, err
	case redisnode.Classify(err) == redisnode.KeyError:
		return ratelimit.Decision{}, fmt.Errorf("%w: %w", ErrCorruptKey, err)
	}
	return ratelimit.Decision{}, s.nodes.Failed(ctx, nd, err)
}

// Close stops the store's prober and waits for it; Take then returns
// ratelimit.ErrStoreClosed. It does not close the Redis client, which the
// caller owns. Close is idempotent.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	s.nodes.Close()
	return nil
}
