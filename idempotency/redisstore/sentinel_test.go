package redisstore_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/storetest"
	"github.com/apierror/apierror/internal/redistest"
)

// Behind Sentinel (a failover client, which asks the sentinel for the
// master): the behaviour table, and two instances running a request once.
func TestSentinel(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	sentinel := redistest.StartSentinel(t, srv.Addr(), 5*time.Second).Addr()
	newFailover := func() *redis.Client {
		c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "mymaster", SentinelAddrs: []string{sentinel},
			ContextTimeoutEnabled: true, DisableIdentity: true, Protocol: 2})
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	client := newFailover()
	t.Run("behaviour table", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) idempotency.Store { return newStore(t, client) })
	})
	t.Run("two instances", func(t *testing.T) {
		h := &machines{}
		concurrentOnce(t, h, instance(t, client, h), instance(t, newFailover(), h))
	})
}
