package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// TestCluster runs the behaviour table through a ClusterClient, on a
// one-node Redis Cluster holding every slot, and checks that a client's key
// hashes to the slot of its hash tag.
func TestCluster(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	node := newClient(t, srv.Addr(), true)
	ctx := context.Background()
	if err := node.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatalf("CLUSTER ADDSLOTSRANGE: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		info, err := node.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster not ok after 10s: %q, %v", info, err)
		}
	}
	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{srv.Addr()}, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = cluster.Close() })

	t.Run("behaviour table", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
			return testStore(cluster, WithClock(now))
		})
	})
	t.Run("hash tag", func(t *testing.T) {
		s := testStore(cluster)
		for _, key := range []string{"user:7", "203.0.113.5", "a}b", strings.Repeat("k", 300)} {
			if _, err := s.Take(ctx, key, []ratelimit.Limit{{Events: 1, Period: time.Second}}, 1); err != nil {
				t.Fatal(err)
			}
			rk := s.redisKey(key)
			tag := rk[strings.IndexByte(rk, '{')+1:]
			tag = tag[:strings.IndexByte(tag, '}')]
			got, err1 := node.ClusterKeySlot(ctx, rk).Result()
			want, err2 := node.ClusterKeySlot(ctx, tag).Result()
			if err1 != nil || err2 != nil || got != want {
				t.Errorf("slot of %q = %d, %v; slot of its tag %q = %d, %v", rk, got, err1, tag, want, err2)
			}
		}
	})
}
