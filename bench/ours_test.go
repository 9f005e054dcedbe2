package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/redisstore"
	"github.com/apierror/apierror/validation"
)

// The library's side of each group.

// benchLimits is benchRate as the library's limit.
var benchLimits = []ratelimit.Limit{{Events: benchRate, Period: time.Second}}

// storeDecider makes one decision of cost 1 against s.
func storeDecider(s ratelimit.Store) decider {
	return func(ctx context.Context, key string) (bool, error) {
		d, err := s.Take(ctx, key, benchLimits, 1)
		return d.Allowed, err
	}
}

// oursSuccessStacks is chi with the library's RequestID, Recoverer and Style.
func oursSuccessStacks() []namedHandler {
	return []namedHandler{{"ours", chiStack(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))}}
}

// memoryStore returns the library's in-memory store, capped at its default
// of 100,000 keys or at twice the keys used, whichever is more, closed when
// tb ends.
func memoryStore(tb testing.TB, keys int) *ratelimit.MemoryStore {
	s := ratelimit.NewMemoryStore(ratelimit.MemoryMaxKeys(max(ratelimit.DefaultMaxKeys, 2*keys)))
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// oursMemoryLimiters is the library's in-memory store.
func oursMemoryLimiters() []limiterImpl {
	return []limiterImpl{{"ours", func(tb testing.TB, keys []string) decider {
		return storeDecider(memoryStore(tb, len(keys)))
	}}}
}

// oursLimiterMiddlewares is the library's rate-limiting middleware with its
// defaults (keyed by client IP, X-RateLimit-* headers) on its memory store.
func oursLimiterMiddlewares() []mwImpl {
	return []mwImpl{{"ours", func(tb testing.TB, keys int) func(http.Handler) http.Handler {
		return ratelimit.PerSecond(benchRate, ratelimit.WithStore(memoryStore(tb, keys)))
	}}}
}

// oursRedisLimiters is the library's Redis store on the server at addr,
// with its defaults but for a timeout of a second (the default 100ms is
// within reach of a shared machine's scheduling pauses, and a decision
// past it is an error here, not a measurement).
func oursRedisLimiters(addr string) []limiterImpl {
	return []limiterImpl{{"ours", func(tb testing.TB, keys []string) decider {
		s := redisstore.New(redisClient(tb, addr, tripsOf("ours")), redisstore.WithPrefix("bench-ours:"), redisstore.WithTimeout(time.Second))
		tb.Cleanup(func() { _ = s.Close() })
		return func(ctx context.Context, key string) (bool, error) {
			d, err := s.Take(ctx, key, redisLimits, 1)
			return d.Allowed, err
		}
	}}}
}

// oursDecoders is validation.Decode with its defaults (strict: unknown
// fields, trailing data and duplicate keys refused).
func oursDecoders() []decodeImpl {
	return []decodeImpl{{"ours", true, func(r *http.Request, dst *createVM) error {
		return validation.Decode(r, dst)
	}}}
}
