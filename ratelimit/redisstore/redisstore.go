// Package redisstore is a [ratelimit.Store] on Redis, so that a limit holds
// across every instance of a service instead of once per instance.
//
// Each decision is one round trip: a Lua script (GCRA, the generic cell rate
// algorithm) that checks every limit of the request against the client's
// buckets and takes the tokens from all of them or from none. Its answers are
// exactly those of the in-memory store (same limits, burst, cost, remaining,
// reset and retry times, to the nanosecond), so switching stores changes
// nothing a client sees. The script runs with EVALSHA and is sent again only
// when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
//
// The clock is Redis's (TIME), so instances whose clocks disagree still
// agree on every bucket.
//
// # Keys
//
// One client key is one Redis hash, "<prefix>{<key>}", holding one field per
// limit ("<interval ns>:<capacity>", whose value is the instant the bucket is
// full again, in nanoseconds since the Unix epoch). The braces are a Cluster hash tag: all of a client's buckets live in
// one slot, so the store works on a single server, behind Sentinel and on
// Redis Cluster alike (any [redis.UniversalClient]). A hash expires on its own
// once its slowest bucket is full again, when it would say exactly what a
// missing one says. A key longer than ratelimit.MaxKeyLen is held as a
// digest, so Redis's memory per client is bounded whatever the key. The
// store owns every key under its prefix.
//
// # When Redis is away
//
// Each decision waits at most the timeout ([WithTimeout], 100ms by default),
// whether or not the client was built with ContextTimeoutEnabled (without it,
// go-redis would wait out its own read timeout, 3s by default, and retry).
// When Redis fails or is too slow, the store answers by its policy:
//
//   - [FallBack] (the default): decide with an in-memory store, so each
//     instance still holds its clients to the limit on its own (a client
//     may then get one limit per instance, never an unlimited number);
//   - [FailOpen]: allow the request;
//   - [FailClosed]: return an *errresp.Error of kind Unavailable, which the
//     ratelimit middleware answers with a 503 envelope whatever its own
//     OnStoreError policy.
//
// After a failure the store stops asking Redis for a short while
// ([WithRetryInterval], 100ms by default) and then lets one request through
// to see whether it is back, so that during an outage requests are answered
// at once rather than each waiting for the timeout, and the client is not
// flooded with dials. The store logs once when an outage begins (with the
// error and the policy) and once when it ends, with the request id of the
// request that noticed.
//
// Recovery is automatic, within a retry interval of Redis's return. After a
// long outage go-redis may add up to a second of its own: once PoolSize
// dials in a row have failed, its pool stops dialling and tries again once a
// second. The store's sparse probing puts that point off.
//
// # Precision
//
// Lua numbers are doubles, so the script splits instants into seconds and
// nanoseconds and works on times relative to now. Its answers are exact (and
// equal to the in-memory store's) for every limit whose bucket fills within
// 2^53 ns, about 104 days (Capacity × Interval); beyond that they may differ
// by the rounding of a double of that size (under a microsecond for a
// bucket that takes a century to fill).
package redisstore

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

//go:embed gcra.lua
var gcraSource string

// gcra is the decision script. Script.Run sends EVALSHA and falls back to
// EVAL (which also caches the script on the server) on NOSCRIPT.
var gcra = redis.NewScript(gcraSource)

// Defaults.
const (
	// DefaultPrefix starts every key the store writes.
	DefaultPrefix = "ratelimit:"
	// DefaultTimeout is how long one decision may wait for Redis.
	DefaultTimeout = 100 * time.Millisecond
	// DefaultRetryInterval is how long the store leaves Redis alone after a
	// failure before it tries again.
	DefaultRetryInterval = 100 * time.Millisecond
)

// Policy is what the store does when Redis fails or does not answer within
// the timeout.
type Policy uint8

const (
	// FallBack decides with a fallback store (by default an in-memory
	// store), so each instance keeps limiting on its own while Redis is
	// away; a client may then get up to one limit per instance.
	FallBack Policy = iota
	// FailOpen allows every request while Redis is away, with the decision
	// a full bucket of the smallest limit would give (Remaining is its
	// capacity less the cost), so headers stay well formed.
	FailOpen
	// FailClosed refuses to decide while Redis is away: Take returns an
	// *errresp.Error of kind Unavailable (wrapping the cause), which the
	// ratelimit middleware answers with 503.
	FailClosed
)

// String returns the policy's name, as it appears on log lines.
func (p Policy) String() string {
	switch p {
	case FallBack:
		return "fall back"
	case FailOpen:
		return "fail open"
	case FailClosed:
		return "fail closed"
	}
	return fmt.Sprintf("Policy(%d)", uint8(p))
}

// Store is a [ratelimit.Store] on Redis. Make one with [New]; it is safe for
// concurrent use.
type Store struct {
	client    redis.UniversalClient
	prefix    string
	timeout   time.Duration
	retry     time.Duration
	policy    Policy
	fallback  ratelimit.Store
	ownsFB    bool // fallback was made by New and is closed by Close
	logger    *slog.Logger
	now       func() time.Time // nil: Redis's TIME
	ctxBounds bool             // the client bounds its socket I/O by the context

	health health
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
// DefaultTimeout). Past it the decision is made by the policy.
func WithTimeout(d time.Duration) Option { return func(s *Store) { s.timeout = d } }

// WithRetryInterval sets how long the store answers by its policy alone
// after Redis failed, before one request tries Redis again (default
// DefaultRetryInterval).
func WithRetryInterval(d time.Duration) Option { return func(s *Store) { s.retry = d } }

// WithPolicy sets what the store does while Redis is away (default
// FallBack).
func WithPolicy(p Policy) Option { return func(s *Store) { s.policy = p } }

// WithFallback sets the store FallBack decides with (default: a new
// in-memory store, closed by Close). The caller keeps ownership of fb.
func WithFallback(fb ratelimit.Store) Option { return func(s *Store) { s.fallback = fb } }

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
// holding a brace, a timeout or retry interval that is not positive, or an
// unknown policy.
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
	case s.policy > FailClosed:
		panic("apierror/ratelimit/redisstore: unknown policy " + s.policy.String())
	case s.logger == nil:
		panic("apierror/ratelimit/redisstore: nil logger")
	}
	if s.policy == FallBack && s.fallback == nil {
		s.fallback, s.ownsFB = ratelimit.NewMemoryStore(), true
	}
	s.ctxBounds = contextBounded(client)
	s.health.start = time.Now()
	return s
}

// contextBounded reports whether the client bounds socket reads and writes by
// the context's deadline (go-redis does only with ContextTimeoutEnabled).
// Without it, a decision runs in its own goroutine so the caller can stop
// waiting at the deadline.
func contextBounded(c redis.UniversalClient) bool {
	switch c := c.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return false
}

// Take decides one request of the given cost against every limit for key,
// atomically, in one round trip to Redis. When Redis fails or is slower than
// the timeout, the policy decides. A nil error with Allowed false means the
// limit was reached.
func (s *Store) Take(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	if err := validate(limits, cost); err != nil {
		return ratelimit.Decision{}, err
	}
	if len(limits) == 0 {
		return ratelimit.Decision{Allowed: true}, nil
	}
	return s.decide(ctx, key, limits, cost)
}

// Peek returns the decision Take would return now, taking nothing; it
// runs the same script in a mode that writes nothing. It implements
// ratelimit.Store.
func (s *Store) Peek(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	if err := validate(limits, cost); err != nil {
		return ratelimit.Decision{}, err
	}
	if len(limits) == 0 {
		return ratelimit.Decision{Allowed: true}, nil
	}
	return s.decide(ctx, key, limits, -cost)
}

// decide is Take, or Peek for a negative cost (a cost of -n asks about n
// tokens without taking them), on checked arguments.
func (s *Store) decide(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	if s.closed.Load() {
		return ratelimit.Decision{}, ratelimit.ErrStoreClosed
	}
	gen, ask := s.health.try(s.retry)
	if !ask {
		return s.degraded(ctx, key, limits, cost, nil)
	}
	d, err := s.take(ctx, key, limits, cost)
	if err == nil {
		if outage, ended := s.health.up(gen); ended {
			s.logger.LogAttrs(ctx, slog.LevelInfo, "apierror/ratelimit/redisstore: Redis is back",
				slog.Duration("outage", outage),
				slog.String("request_id", errresp.RequestID(ctx)))
		}
		return d, nil
	}
	if ctx.Err() != nil {
		// The caller gave up (or its own deadline passed); that says
		// nothing about Redis.
		return ratelimit.Decision{}, fmt.Errorf("apierror/ratelimit/redisstore: %w", err)
	}
	if s.health.down(gen, s.retry) {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "apierror/ratelimit/redisstore: Redis is unavailable",
			slog.String("policy", s.policy.String()),
			slog.Any("error", err),
			slog.String("request_id", errresp.RequestID(ctx)))
	}
	return s.degraded(ctx, key, limits, cost, err)
}

// degraded answers by the policy while Redis is away. cause is the error
// that showed it (nil when the store did not ask Redis).
func (s *Store) degraded(ctx context.Context, key string, limits []ratelimit.Limit, cost int, cause error) (ratelimit.Decision, error) {
	switch s.policy {
	case FailOpen:
		return openDecision(limits, max(cost, -cost)), nil
	case FallBack:
		if cost < 0 {
			return s.fallback.Peek(ctx, key, limits, -cost)
		}
		return s.fallback.Take(ctx, key, limits, cost)
	}
	if cause == nil {
		cause = errUnavailable
	}
	e := errresp.Wrap(errresp.Unavailable, cause, "Rate limiting is unavailable; try again shortly.")
	e.RetryAfter = time.Second
	return ratelimit.Decision{}, e
}

// errUnavailable is the cause of a FailClosed error for requests that did not
// ask Redis because a recent one had failed.
var errUnavailable = errors.New("apierror/ratelimit/redisstore: Redis failed recently; not asked")

// openDecision is FailOpen's answer: allowed, described as a full bucket of
// the smallest limit would describe it.
func openDecision(limits []ratelimit.Limit, cost int) ratelimit.Decision {
	b := limits[0]
	for _, l := range limits[1:] {
		if l.Capacity() < b.Capacity() {
			b = l
		}
	}
	rem := b.Capacity() - cost
	if rem < 0 {
		rem = 0
	}
	return ratelimit.Decision{Allowed: true, Limit: b, Remaining: rem, ResetAfter: time.Duration(cost) * b.Interval()}
}

// validate rejects what no store can decide, as the in-memory store does: a
// programming error, not a store failure, so it never reaches the policy.
func validate(limits []ratelimit.Limit, cost int) error {
	if cost < 0 {
		return errors.New("apierror/ratelimit/redisstore: cost must not be negative")
	}
	if len(limits) > ratelimit.MaxLimits {
		return fmt.Errorf("apierror/ratelimit/redisstore: more than %d limits for one key", ratelimit.MaxLimits)
	}
	for i := range limits {
		t, b := int64(limits[i].Interval()), int64(limits[i].Capacity())
		if hi, lo := bits.Mul64(uint64(t), uint64(b)); t <= 0 || b <= 0 || hi != 0 || lo > math.MaxInt64/4 {
			return errors.New("apierror/ratelimit/redisstore: invalid limit (see Limit.Validate)")
		}
	}
	return nil
}

// take asks Redis, within the timeout.
func (s *Store) take(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if s.ctxBounds {
		return s.eval(ctx, key, limits, cost)
	}
	type result struct {
		d   ratelimit.Decision
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := s.eval(ctx, key, limits, cost)
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.d, r.err
	case <-ctx.Done():
		return ratelimit.Decision{}, ctx.Err()
	}
}

// argsPool recycles the script's argument slices; go-redis copies them into
// its command.
var argsPool = sync.Pool{New: func() any { s := make([]any, 0, 16); return &s }}

// eval runs the script once.
func (s *Store) eval(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	ap := argsPool.Get().(*[]any)
	args := (*ap)[:0]
	if s.now != nil {
		t := s.now()
		args = append(args, t.Unix(), t.Nanosecond())
	} else {
		args = append(args, -1, 0)
	}
	args = append(args, cost)
	for _, l := range limits {
		args = append(args, int64(l.Interval()), l.Capacity())
	}
	keys := [1]string{s.redisKey(key)}
	res, err := gcra.Run(ctx, s.client, keys[:], args...).Int64Slice()
	clear(args)
	*ap = args
	argsPool.Put(ap)
	if err != nil {
		return ratelimit.Decision{}, err
	}
	return decode(res, limits)
}

// redisKey is the hash holding key's buckets: "<prefix>{<key>}", or, for a
// key longer than ratelimit.MaxKeyLen, its SHA-256 digest in hex padded with
// '~' to MaxKeyLen+1 bytes (a length no key held as it is has), so that
// Redis's memory per client stays bounded whatever the key.
func (s *Store) redisKey(key string) string {
	if len(key) <= ratelimit.MaxKeyLen {
		return s.prefix + "{" + key + "}"
	}
	sum := sha256.Sum256([]byte(key))
	var b [ratelimit.MaxKeyLen + 1]byte
	pad := len(b) - hex.EncodedLen(len(sum))
	for i := range pad {
		b[i] = '~'
	}
	hex.Encode(b[pad:], sum[:])
	return s.prefix + "{" + string(b[:]) + "}"
}

// decode turns the script's reply into a Decision, checking its shape.
func decode(res []int64, limits []ratelimit.Limit) (ratelimit.Decision, error) {
	if len(res) != 5 || res[0]>>1 != 0 || res[1] < 1 || res[1] > int64(len(limits)) ||
		res[2] < 0 || res[2] > math.MaxInt32 || res[3] < 0 || res[4] < 0 {
		return ratelimit.Decision{}, fmt.Errorf("apierror/ratelimit/redisstore: unexpected script reply %v", res)
	}
	return ratelimit.Decision{
		Allowed:    res[0] == 1,
		Limit:      limits[res[1]-1],
		Remaining:  int(res[2]),
		ResetAfter: time.Duration(res[3]),
		RetryAfter: time.Duration(res[4]),
	}, nil
}

// Close closes the fallback store if New made it; Take then returns
// ratelimit.ErrStoreClosed. It does not close the Redis client, which the caller owns. Close is
// idempotent.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	if s.ownsFB {
		return s.fallback.Close()
	}
	return nil
}
