// Package redisstore is an [idempotency.Store] on Redis, so that a request
// with an Idempotency-Key runs once across every instance of a service.
//
// A key's record is one hash, "<prefix>{<key>}", holding the request's
// fingerprint ("f"), while it runs the claim's token ("t") and once done the
// saved response ("b"); it expires with the lease while running and with
// the retention once done (PEXPIRE, on Redis's clock). The braces are a
// Cluster hash tag, so a key's record is in one slot however it grows, and
// the store works on a single server, behind Sentinel and on Redis Cluster
// alike (any [redis.UniversalClient]). Begin, Finish and Release are one
// Lua script each, so one round trip each (EVALSHA, sent again with EVAL
// only after NOSCRIPT): a first request costs two, a replay one.
//
// The Redis plumbing is the module's shared one (health per node, a prober
// that brings a node back without traffic, error classes, a deadline on
// every call): a call to a node that is down fails at once, and every
// failure to ask Redis wraps [idempotency.ErrUnavailable], which the
// middleware answers by its policy (503 by default). A record the store
// cannot read (another type under its key) is that key's error, not an
// outage.
//
// # Persistence
//
// A Redis that forgets its data when it restarts forgets the keys of
// requests still running and the responses saved: a retry that reaches an
// instance other than the one that ran the request, after such a restart,
// runs it again (the instance that ran it writes the response back as soon
// as Redis answers, and answers retries from it meanwhile). Run the Redis
// of this store with persistence (appendonly yes; appendfsync always loses
// nothing, everysec up to a second) and, behind Sentinel or on a Cluster,
// with replicas. The outage tests of this package run Redis with
// appendfsync always.
package redisstore

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/internal/redisnode"
)

// The defaults.
const (
	// DefaultPrefix starts every key the store writes.
	DefaultPrefix = "idem:"
	// DefaultTimeout bounds each call to Redis.
	DefaultTimeout = 500 * time.Millisecond
	// DefaultRetryInterval is how often a node that is down is probed.
	DefaultRetryInterval = time.Second
)

// ErrClosed is returned by a Store's methods after Close.
var ErrClosed = errors.New("apierror/idempotency/redisstore: store closed")

var (
	//go:embed begin.lua
	beginSrc string
	//go:embed finish.lua
	finishSrc string
	//go:embed release.lua
	releaseSrc string

	beginScript   = redis.NewScript(beginSrc)
	finishScript  = redis.NewScript(finishSrc)
	releaseScript = redis.NewScript(releaseSrc)
)

const name = "apierror/idempotency/redisstore"

// Store keeps idempotency records in Redis. Make one with New; it is safe
// for concurrent use.
type Store struct {
	client  redis.UniversalClient
	prefix  string
	timeout time.Duration
	retry   time.Duration
	logger  *slog.Logger
	nodes   *redisnode.Nodes
	closed  atomic.Bool
}

var _ idempotency.Store = (*Store)(nil)

// Option configures New.
type Option func(*Store)

// WithPrefix sets the prefix of every key the store writes (DefaultPrefix
// by default). It must not contain '{' or '}', which would change the
// Cluster hash tag.
func WithPrefix(prefix string) Option {
	if strings.ContainsAny(prefix, "{}") {
		panic(name + ": WithPrefix: a brace would change the Cluster hash tag")
	}
	return func(s *Store) { s.prefix = prefix }
}

// WithTimeout sets how long one call may wait for Redis (DefaultTimeout by
// default), unless the caller's deadline is nearer; it also bounds each
// probe. It panics unless d > 0.
func WithTimeout(d time.Duration) Option {
	if d <= 0 {
		panic(name + ": WithTimeout: d must be positive")
	}
	return func(s *Store) { s.timeout = d }
}

// WithRetryInterval sets how often the store probes a node that is down
// (DefaultRetryInterval by default). It panics unless d > 0.
func WithRetryInterval(d time.Duration) Option {
	if d <= 0 {
		panic(name + ": WithRetryInterval: d must be positive")
	}
	return func(s *Store) { s.retry = d }
}

// WithLogger sets the logger of outage and recovery lines (slog.Default()
// by default). It panics on nil.
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic(name + ": WithLogger: nil logger")
	}
	return func(s *Store) { s.logger = l }
}

// New returns a Store on client, which the caller keeps and closes. Build
// the client with ContextTimeoutEnabled so that the timeout bounds every
// wait at no extra cost (otherwise each call runs in a goroutine of its own,
// which the caller stops waiting for at the deadline). Close stops the
// store's prober. New panics on a nil client.
func New(client redis.UniversalClient, opts ...Option) *Store {
	if client == nil {
		panic(name + ": nil client")
	}
	s := &Store{client: client, prefix: DefaultPrefix, timeout: DefaultTimeout, retry: DefaultRetryInterval, logger: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	s.nodes = redisnode.New(redisnode.Config{Client: client, Timeout: s.timeout, RetryInterval: s.retry,
		Logger: s.logger, Name: name, Unavailable: idempotency.ErrUnavailable})
	return s
}

func (s *Store) redisKey(key string) string { return s.prefix + "{" + key + "}" }

// Begin implements idempotency.Store in one round trip.
func (s *Store) Begin(ctx context.Context, key, fingerprint string, lease time.Duration) (idempotency.Claim, error) {
	token := newToken()
	var reply []any
	err := s.call(ctx, key, func(ctx context.Context, rk string) error {
		v, err := beginScript.Run(ctx, s.client, []string{rk}, fingerprint, token, lease.Milliseconds()).Slice()
		reply = v
		return err
	})
	if err != nil {
		return idempotency.Claim{}, err
	}
	state, _ := reply[0].(int64)
	switch {
	case state == 1:
		return idempotency.Claim{State: idempotency.Started, Token: token}, nil
	case state == 2 && len(reply) == 2:
		ms, _ := reply[1].(int64)
		return idempotency.Claim{State: idempotency.Running, Expires: time.Now().Add(time.Duration(max(ms, 0)) * time.Millisecond)}, nil
	case state == 3 && len(reply) == 2:
		b, ok := reply[1].(string)
		if ok {
			return idempotency.Claim{State: idempotency.Done, Response: []byte(b)}, nil
		}
	case state == 4:
		return idempotency.Claim{State: idempotency.Mismatch}, nil
	}
	return idempotency.Claim{}, fmt.Errorf("%s: unexpected reply %v", name, reply)
}

// Finish implements idempotency.Store in one round trip.
func (s *Store) Finish(ctx context.Context, key, token, fingerprint string, response []byte, retention time.Duration) error {
	var n int64
	err := s.call(ctx, key, func(ctx context.Context, rk string) error {
		v, err := finishScript.Run(ctx, s.client, []string{rk}, token, fingerprint, response, retention.Milliseconds()).Int64()
		n = v
		return err
	})
	if err == nil && n == 0 {
		return idempotency.ErrNotHeld
	}
	return err
}

// Release implements idempotency.Store in one round trip.
func (s *Store) Release(ctx context.Context, key, token string) error {
	var n int64
	err := s.call(ctx, key, func(ctx context.Context, rk string) error {
		v, err := releaseScript.Run(ctx, s.client, []string{rk}, token).Int64()
		n = v
		return err
	})
	if err == nil && n == 0 {
		return idempotency.ErrNotHeld
	}
	return err
}

// call runs fn for key on its node, under the store's deadline, and turns
// its error into the store's: an outage wraps idempotency.ErrUnavailable
// and marks the node down; a late reply wraps it and has the node probed.
func (s *Store) call(ctx context.Context, key string, fn func(ctx context.Context, rk string) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	rk := s.redisKey(key)
	nd, err := s.nodes.Route(ctx, rk)
	if err != nil {
		return err
	}
	err = s.nodes.Do(ctx, func(ctx context.Context) error { return fn(ctx, rk) })
	switch redisnode.Classify(err) {
	case redisnode.OK:
		return nil
	case redisnode.KeyError:
		return fmt.Errorf("%s: the record of key %s cannot be read: %w", name, key, err)
	case redisnode.Canceled:
		return fmt.Errorf("%s: %w", name, err)
	case redisnode.Late:
		if ctx.Err() != nil {
			// The caller's own deadline passed: the caller gave up.
			return fmt.Errorf("%s: %w: %w", name, idempotency.ErrUnavailable, err)
		}
		return s.nodes.Suspect(nd, err)
	}
	return s.nodes.Failed(ctx, nd, err)
}

// Close stops the store's prober and waits for it. It does not close the
// Redis client. Close is idempotent.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.nodes.Close()
	}
	return nil
}

// newToken returns a claim's token: 128 random bits, unique to one Begin
// across every instance.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
