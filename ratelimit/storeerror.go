package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/apierror/apierror/errresp"
)

// StoreErrorPolicy is what a limiter does with a request when its store
// fails (an error from Take, not a refusal). It is the one place that
// choice is made: stores only decide or fail.
type StoreErrorPolicy uint8

const (
	// FallBack decides the request with an in-memory store of the
	// limiter's own, so that each instance of a service still holds its
	// clients to the limit on its own while a shared store is away (a
	// client may then get up to one limit per instance, never an unlimited
	// number). The default. Decisions made by the fallback are not charged
	// to the shared store when it returns.
	FallBack StoreErrorPolicy = iota
	// FailOpen lets the request through without rate-limit headers.
	FailOpen
	// FailClosed answers 503 with an envelope of kind Unavailable and a
	// Retry-After of one second.
	FailClosed
)

// String returns the policy's name, as it appears on log lines.
func (p StoreErrorPolicy) String() string {
	switch p {
	case FallBack:
		return "fall back to memory"
	case FailOpen:
		return "allow"
	case FailClosed:
		return "refuse with 503"
	}
	return "unknown"
}

// WithStoreErrorPolicy sets what happens to a request when the store fails
// (FallBack by default).
func WithStoreErrorPolicy(p StoreErrorPolicy) Option {
	if p > FailClosed {
		panic("apierror/ratelimit: WithStoreErrorPolicy: unknown policy")
	}
	return func(c *config) { c.policy = p }
}

// recoveryQuiet is how long a store must go without an ErrUnavailable
// before the limiter logs that it recovered. A store that is down for some
// keys only (one node of a Redis Cluster) thus gives one line when the
// outage begins and one when it is over, not one per request.
const recoveryQuiet = time.Second

// fallbackStore is the limiter's own memory store, made on first use.
type fallbackStore struct {
	once sync.Once
	s    *MemoryStore
}

func (f *fallbackStore) get() Store {
	f.once.Do(func() { f.s = NewMemoryStore() })
	return f.s
}

// storeError answers a request whose store failed. It returns a decision
// and a nil error when the request continues as if the store had decided
// (FallBack); otherwise it has answered the request, or passed it to next,
// and returns the error.
func (l *limiter) storeError(w http.ResponseWriter, r *http.Request, next http.Handler, key string, cost int, err error) (Decision, error) {
	ctx := r.Context()
	if ctx.Err() != nil {
		// The client left; its canceled request says nothing of the store.
		_, _ = errresp.Write(w, r, ctx.Err())
		return Decision{}, err
	}
	// A store failure that is not an outage is logged here with the request
	// id; the middleware's line for the 503 (errresp.Finish) is then not
	// owed. An outage is logged once, when it begins; each 503 of it gets
	// the middleware's line.
	logged := false
	if errors.Is(err, ErrUnavailable) {
		l.unavailable(ctx, err)
	} else {
		logged = true
		l.logger.LogAttrs(ctx, slog.LevelWarn, "apierror/ratelimit: store could not decide this request; "+l.policy.String(),
			slog.String("limiter", l.name), slog.Any("error", err), slog.String("request_id", errresp.RequestID(ctx)))
	}
	switch l.policy {
	case FallBack:
		d, ferr := l.memory.get().Take(ctx, key, l.limits, cost)
		if ferr == nil {
			return d, nil
		}
		err = ferr
	case FailOpen:
		next.ServeHTTP(w, r)
		return Decision{}, err
	}
	e := errresp.Wrap(errresp.Unavailable, err, "") // the style's message for the kind, as any 503's
	e.RetryAfter = time.Second
	_, _ = errresp.Write(w, r, e)
	if logged {
		_ = errresp.Finish(w, r)
	}
	return Decision{}, err
}

// unavailable notes that the store was unavailable, and logs the outage
// once, when it begins.
func (l *limiter) unavailable(ctx context.Context, err error) {
	l.failAt.Store(l.clock().UnixNano())
	if !l.down.Swap(true) {
		l.logger.LogAttrs(ctx, slog.LevelError, "apierror/ratelimit: store unavailable; "+l.policy.String()+" until it recovers",
			slog.String("limiter", l.name), slog.Any("error", err), slog.String("request_id", errresp.RequestID(ctx)))
	}
}

// storeAnswered notes a decision of the store while it was marked down,
// and logs the recovery once the store has gone recoveryQuiet without
// being unavailable.
func (l *limiter) storeAnswered(r *http.Request) {
	if l.clock().UnixNano()-l.failAt.Load() < int64(recoveryQuiet) || !l.down.Swap(false) {
		return
	}
	ctx := r.Context()
	l.logger.LogAttrs(ctx, slog.LevelInfo, "apierror/ratelimit: store recovered",
		slog.String("limiter", l.name), slog.String("request_id", errresp.RequestID(ctx)))
}
