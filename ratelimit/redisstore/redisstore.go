package redisstore

import (
	"context"
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
	DefaultTimeout = time.Second
	// DefaultRetryInterval is how often the store probes a node that is
	// down.
	DefaultRetryInterval = 100 * time.Millisecond
	// DefaultPipelines is how many pipelines the store keeps in flight to
	// one node at most.
	DefaultPipelines = 2
	// DefaultPipelineMax is how many decisions one pipeline carries at
	// most.
	DefaultPipelineMax = 128
	// DefaultPipelineWindow is how long a pipeline that is not full waits
	// for more decisions: not at all, since decisions that arrive while
	// pipelines are in flight batch anyway.
	DefaultPipelineWindow = 0
	// DefaultRefusalCache is how many refused keys the store remembers.
	DefaultRefusalCache = 1 << 14
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

	pipes   int           // pipelines in flight to one node at most
	pipeMax int           // calls a pipeline carries at most
	window  time.Duration // how long a pipeline waits to fill

	nodes       *redisnode.Nodes // health, prober, deadlines, pipelines
	refused     refusals         // keys Redis refused, until when (refused.go)
	refusalMax  int
	lateRefunds atomic.Int64 // takes given back after a late reply
	loading     atomic.Bool  // a caller is loading the scripts (loadScripts)
	closed      atomic.Bool
}

var (
	_ ratelimit.Store         = (*Store)(nil)
	_ ratelimit.RefusalCache  = (*Store)(nil)
	_ ratelimit.UncachedTaker = (*Store)(nil)
)

// New returns a Store that keeps its buckets in Redis through client, which
// the caller keeps and closes. The timeout bounds every decision whatever
// the client's settings; ContextTimeoutEnabled also lets go-redis give up a
// pipeline's socket reads at their deadline (ten times the timeout; see
// the package doc), where it would otherwise wait out its ReadTimeout.
// New panics on a nil client or logger, a prefix
// holding a brace, or a timeout or retry interval that is not positive.
// Close stops the store's prober.
func New(client redis.UniversalClient, opts ...Option) *Store {
	if client == nil {
		panic("apierror/ratelimit/redisstore: nil client")
	}
	s := &Store{
		client:     client,
		prefix:     DefaultPrefix,
		timeout:    DefaultTimeout,
		retry:      DefaultRetryInterval,
		logger:     slog.Default(),
		pipes:      DefaultPipelines,
		pipeMax:    DefaultPipelineMax,
		window:     DefaultPipelineWindow,
		refusalMax: DefaultRefusalCache,
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

		Pipelines:      s.pipes,
		PipelineMax:    s.pipeMax,
		PipelineWindow: s.window,
	})
	s.refused.init(s.refusalMax, s.now)
	return s
}

// Take decides one request of the given cost against every limit for key,
// atomically, in one script call to Redis (in a pipeline shared with the
// decisions waiting at the same time), or in none when Redis has refused
// the key until a later instant (see the package doc). A nil error with Allowed false
// means the limit was reached. When the key's node is down, or fails or is
// slower than the timeout, the error wraps ratelimit.ErrUnavailable; when
// the key held data the store cannot read, it wraps ErrCorruptKey.
func (s *Store) Take(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	return s.decide(ctx, key, limits, cost, opTake, true)
}

// TakeUncached is Take asked of Redis even when the store's refusal cache
// holds the key; the cache learns from its answer as from Take's (so
// Refused still knows the key's refusal while Redis is away). It implements
// ratelimit.UncachedTaker, for callers that refund on their normal path
// (auth.FailureGuard), whose refunds on other instances the cache of this
// one cannot see.
func (s *Store) TakeUncached(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	return s.decide(ctx, key, limits, cost, opTake, false)
}

// Peek returns the decision Take would return now, and takes nothing: the
// same script runs in a mode that writes nothing, with Take's errors and its health accounting. It implements ratelimit.Store.
func (s *Store) Peek(ctx context.Context, key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, error) {
	return s.decide(ctx, key, limits, cost, opPeek, true)
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
	_, err := s.decide(ctx, key, limits, cost, opRefund, true)
	return err
}

// Refused returns the refusal Take would give now for key, limits and
// cost when Redis has refused the key until a later instant (see the
// package doc), without a round trip. It implements
// ratelimit.RefusalCache, through which a limiter mounted around others
// asks their stores before it takes its own tokens.
func (s *Store) Refused(key string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, bool) {
	if len(limits) == 0 || validate(limits, cost) != nil || s.closed.Load() {
		return ratelimit.Decision{}, false
	}
	return s.refused.refused(s.redisKey(key, limits), limits, cost)
}

// op is what a script run does with the buckets.
type op uint8

const (
	opTake   op = iota // decide, and take the tokens when allowed
	opPeek             // decide, and write nothing
	opRefund           // give the tokens back
)

// decide runs op for key: Take, Peek and Refund share the checks, the
// health accounting and the classification of errors. cached lets the
// refusal cache answer a take or peek; it learns from every reply.
func (s *Store) decide(ctx context.Context, key string, limits []ratelimit.Limit, cost int, o op, cached bool) (ratelimit.Decision, error) {
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
	switch {
	case o == opRefund:
		s.refused.refunded(rk, s.refused.now())
	case cached:
		if d, ok := s.refused.refused(rk, limits, cost); ok {
			return d, nil
		}
	}
	bctx, cancel := s.nodes.Bound(ctx)
	defer cancel()
	nd, err := s.nodes.Route(bctx, rk) // a Cluster client's first call loads the slot map
	if err != nil {
		return ratelimit.Decision{}, err
	}
	at := s.refused.now()
	var late func(redis.Cmder)
	if o == opTake {
		late = func(c redis.Cmder) { s.undo(nd, rk, limits, cost, c) }
	}
	cmd := s.command(bctx, rk, limits, cost, o, false)
	err = s.nodes.Pipe(bctx, nd, cmd, late)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		s.loadScripts(bctx)
		cmd = s.command(bctx, rk, limits, cost, o, true)
		err = s.nodes.Pipe(bctx, nd, cmd, late)
	}
	if err == nil {
		d, err := result(cmd, limits, o)
		switch {
		case err != nil:
			s.refused.forget(rk) // the script deleted the key
		case o != opRefund:
			s.refused.note(rk, limits, cost, at, &d)
		}
		return d, err
	}
	if ctx.Err() != nil {
		// The caller gave up (or its own deadline passed); that says
		// nothing about Redis.
		return ratelimit.Decision{}, fmt.Errorf("apierror/ratelimit/redisstore: %w", err)
	}
	switch redisnode.Classify(err) {
	case redisnode.KeyError:
		s.refused.forget(rk)
		return ratelimit.Decision{}, fmt.Errorf("%w: %w", ErrCorruptKey, err)
	case redisnode.Late, redisnode.Canceled:
		// A busy node is not a down one: this request gets the
		// limiter's policy, and the node is probed.
		return ratelimit.Decision{}, s.nodes.Suspect(nd, err)
	}
	return ratelimit.Decision{}, s.nodes.Failed(ctx, nd, err)
}

// undo gives back what a take whose caller had gone (a late reply, or a
// caller that gave up) took, so that the request, answered by the
// limiter's policy, is not charged twice. It runs once the reply is in.
func (s *Store) undo(nd redisnode.Node, rk string, limits []ratelimit.Limit, cost int, c redis.Cmder) {
	d, err := result(c.(*redis.IntSliceCmd), limits, opTake)
	if c.Err() != nil || err != nil || !d.Allowed || cost == 0 {
		return
	}
	s.lateRefunds.Add(1)
	go func() {
		ctx, cancel := s.nodes.Bound(context.Background())
		defer cancel()
		cmd := s.command(ctx, rk, limits, cost, opRefund, false)
		err := s.nodes.Pipe(ctx, nd, cmd, nil)
		if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			cmd = s.command(ctx, rk, limits, cost, opRefund, true)
			_ = s.nodes.Pipe(ctx, nd, cmd, nil)
		}
	}()
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
