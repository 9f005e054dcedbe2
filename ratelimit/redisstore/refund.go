package redisstore

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

//go:embed refund.lua
var refundSource string

// refundScript gives back the tokens of an allowed decision.
var refundScript = redis.NewScript(refundSource)

// Refund gives back cost tokens to each of limits for key, in one round
// trip, undoing an allowed Take: ratelimit's limiters call it when a limiter
// further in refuses a request that one further out allowed. While Redis is
// away it gives them back to the fallback store (FallBack), which took them,
// or does nothing. It implements ratelimit.Store.
func (s *Store) Refund(ctx context.Context, key string, limits []ratelimit.Limit, cost int) error {
	if err := validate(limits, cost); err != nil {
		return err
	}
	if len(limits) == 0 || cost == 0 {
		return nil
	}
	if s.closed.Load() {
		return ratelimit.ErrStoreClosed
	}
	if g := s.health.gen.Load(); g&1 == 1 {
		if s.policy == FallBack {
			return s.fallback.Refund(ctx, key, limits, cost)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	args := make([]any, 0, 1+2*len(limits))
	args = append(args, cost)
	for _, l := range limits {
		args = append(args, int64(l.Interval()), l.Capacity())
	}
	if err := refundScript.Run(ctx, s.client, []string{s.redisKey(key)}, args...).Err(); err != nil {
		return fmt.Errorf("apierror/ratelimit/redisstore: refund: %w", err)
	}
	return nil
}
