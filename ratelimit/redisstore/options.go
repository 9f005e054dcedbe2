package redisstore

import (
	"log/slog"
	"time"
)

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the prefix of every key the store writes (default
// DefaultPrefix). It must not contain '{' or '}', which would change the
// Cluster hash tag.
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// WithTimeout sets how long one decision may wait for Redis (default
// DefaultTimeout); past it the decision fails with ratelimit.ErrUnavailable
// (the limiter's policy answers it) and the node is probed, but is marked
// down only if the probe fails too. It also bounds each probe.
func WithTimeout(d time.Duration) Option { return func(s *Store) { s.timeout = d } }

// WithRetryInterval sets how often the store probes a node that is down
// (default DefaultRetryInterval).
func WithRetryInterval(d time.Duration) Option { return func(s *Store) { s.retry = d } }

// WithRefusalCache sets how many keys that Redis has refused the store
// remembers, with the instant until which Redis refuses them, so that the
// requests before that instant are refused without a round trip (default
// DefaultRefusalCache; 0 turns it off). See the package doc.
func WithRefusalCache(keys int) Option {
	if keys < 0 {
		panic("apierror/ratelimit/redisstore: WithRefusalCache: negative size")
	}
	return func(s *Store) { s.refusalMax = keys }
}

// WithPipelines sets how many pipelines the store keeps in flight to one
// Redis node at most (default DefaultPipelines): decisions that arrive
// while they are all in flight leave together in the next one.
func WithPipelines(n int) Option {
	if n <= 0 {
		panic("apierror/ratelimit/redisstore: WithPipelines: not positive")
	}
	return func(s *Store) { s.pipes = n }
}

// WithPipelineWindow sets how long a pipeline that is not full waits for
// more decisions before it is sent (default DefaultPipelineWindow).
func WithPipelineWindow(d time.Duration) Option {
	if d < 0 {
		panic("apierror/ratelimit/redisstore: WithPipelineWindow: negative")
	}
	return func(s *Store) { s.window = d }
}

// WithPipelineMax sets how many decisions one pipeline carries at most
// (default DefaultPipelineMax).
func WithPipelineMax(n int) Option {
	if n <= 0 {
		panic("apierror/ratelimit/redisstore: WithPipelineMax: not positive")
	}
	return func(s *Store) { s.pipeMax = n }
}

// WithLogger sets the logger for outage and recovery lines (default
// slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.logger = l } }

// WithClock makes the store send the time from now with each decision instead
// of using Redis's clock. It exists for tests, which run on fixed instants;
// production stores should keep Redis's clock, on which every instance
// agrees.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }
