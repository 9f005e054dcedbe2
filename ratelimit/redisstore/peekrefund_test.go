package redisstore

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

// TestPeekRefundErrors checks that Peek and Refund classify errors as Take
// does, on the single-limit key and on the several-limit hash: a key of
// another type or a value the store did not write fails with ErrCorruptKey
// (never ErrUnavailable) and is deleted, and while Redis is away both fail
// with ratelimit.ErrUnavailable and the outage is logged once.
func TestPeekRefundErrors(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	ctx := context.Background()
	stores, logs := twoStores(t, func() redis.UniversalClient { return newClient(t, srv.Addr(), true) }, time.Second)
	s := stores[0]
	one := []ratelimit.Limit{{Events: 5, Period: time.Hour}}
	two := []ratelimit.Limit{{Events: 5, Period: time.Hour}, {Events: 50, Period: 24 * time.Hour}}
	for _, limits := range [][]ratelimit.Limit{one, two} {
		rk := s.redisKey("bad", limits)
		corrupt := []func(){
			func() { admin.Del(ctx, rk); admin.LPush(ctx, rk, "x") },
			func() {
				admin.Del(ctx, rk)
				if len(limits) == 1 {
					admin.Set(ctx, rk, "not a time", 0)
				} else {
					admin.HSet(ctx, rk, strconv.FormatInt(int64(limits[0].Interval()), 10)+":5", "garbage")
				}
			},
		}
		for i, bad := range corrupt {
			bad()
			if _, err := s.Peek(ctx, "bad", limits, 1); !errors.Is(err, ErrCorruptKey) || errors.Is(err, ratelimit.ErrUnavailable) {
				t.Errorf("%d limits, corruption %d: Peek: %v; want ErrCorruptKey only", len(limits), i, err)
			}
			if n := admin.Exists(ctx, rk).Val(); n != 0 {
				t.Errorf("%d limits, corruption %d: Peek left the corrupt key", len(limits), i)
			}
			bad()
			if err := s.Refund(ctx, "bad", limits, 1); !errors.Is(err, ErrCorruptKey) || errors.Is(err, ratelimit.ErrUnavailable) {
				t.Errorf("%d limits, corruption %d: Refund: %v; want ErrCorruptKey only", len(limits), i, err)
			}
			if n := admin.Exists(ctx, rk).Val(); n != 0 {
				t.Errorf("%d limits, corruption %d: Refund left the corrupt key", len(limits), i)
			}
		}
		// A refund keeps the key's expiry.
		if _, err := s.Take(ctx, "ttl", limits, 2); err != nil {
			t.Fatal(err)
		}
		key := s.redisKey("ttl", limits)
		if err := s.Refund(ctx, "ttl", limits, 1); err != nil {
			t.Fatal(err)
		}
		if ttl := admin.PTTL(ctx, key).Val(); ttl <= 0 {
			t.Errorf("%d limits: TTL after a refund %v; want the key to expire", len(limits), ttl)
		}
		if d, err := s.Peek(ctx, "ttl", limits, 1); err != nil || !d.Allowed || d.Remaining != 3 {
			t.Errorf("%d limits: after taking 2 and refunding 1: %+v, %v; want 4 left before this request", len(limits), d, err)
		}
	}
	if n := len(logs[0].find("unavailable")); n != 0 {
		t.Fatalf("corrupt keys logged an outage:\n%s", logs[0])
	}

	srv.Stop()
	for _, limits := range [][]ratelimit.Limit{one, two} {
		for range 3 {
			if _, err := s.Peek(ctx, "k", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
				t.Errorf("%d limits: Peek while Redis is away: %v; want ErrUnavailable", len(limits), err)
			}
			if err := s.Refund(ctx, "k", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
				t.Errorf("%d limits: Refund while Redis is away: %v; want ErrUnavailable", len(limits), err)
			}
		}
	}
	if n := len(logs[0].find("unavailable")); n != 1 {
		t.Errorf("the outage was logged %d times; want once:\n%s", n, logs[0])
	}
}
