package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// TestCluster runs, on a real Redis Cluster of three masters with a replica
// each: the behaviour table through a ClusterClient; a check that a
// client's keys hash to its tag's slot; and, last, a master killed under
// two store instances.
func TestCluster(t *testing.T) {
	t.Parallel()
	c := redistest.StartCluster(t)
	cluster := newClusterClient(t, c.Addrs())
	ctx := context.Background()

	t.Run("behaviour table", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
			return testStore(t, cluster, WithClock(now))
		})
	})
	t.Run("hash tag", func(t *testing.T) {
		s := testStore(t, cluster)
		for _, key := range []string{"user:7", "203.0.113.5", "a}b", strings.Repeat("k", 300)} {
			for _, limits := range [][]ratelimit.Limit{
				{{Events: 1, Period: time.Second}},
				{{Events: 1, Period: time.Second}, {Events: 9, Period: time.Hour}},
			} {
				if _, err := s.Take(ctx, key, limits, 1); err != nil {
					t.Fatal(err)
				}
				rk := s.redisKey(key, limits)
				tag := rk[strings.IndexByte(rk, '{')+1:]
				tag = tag[:strings.IndexByte(tag, '}')]
				got, err1 := cluster.ClusterKeySlot(ctx, rk).Result()
				want, err2 := cluster.ClusterKeySlot(ctx, tag).Result()
				if err1 != nil || err2 != nil || got != want {
					t.Errorf("slot of %q = %d, %v; slot of its tag %q = %d, %v", rk, got, err1, tag, want, err2)
				}
			}
		}
	})
	t.Run("bursts and floods", func(t *testing.T) {
		masters, err := c.Masters(c.Nodes[0].Addr())
		if err != nil {
			t.Fatal(err)
		}
		clusterLoad(t, c, masters, func(name string) string { return name })
	})
	t.Run("master killed", func(t *testing.T) { runFailover(t, c) })
}

// clusterLoad runs the cold bursts and the floods (see TestBurst and
// TestFlood) through Cluster clients, on keys that key returns, counting
// the scripts run by masters.
func clusterLoad(t *testing.T, c *redistest.Cluster, masters []string, key func(name string) string) {
	var admins []*redis.Client
	for _, m := range masters {
		admins = append(admins, newClient(t, m, true))
	}
	// Each client loads the slot map before the burst: go-redis's first
	// command of a fresh client can take 400ms after a failover, while it
	// tries the dead master's address among the seeds; that is the
	// client's start, not the burst's. Its pools stay cold.
	client := func() redis.UniversalClient {
		cc := newClusterClient(t, c.Addrs())
		if err := cc.Ping(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		return cc
	}
	for _, size := range burstSizes {
		t.Run(fmt.Sprintf("%d+%d", size.n, size.n), func(t *testing.T) {
			coldBursts(t, client, func(round int) string { return key(fmt.Sprintf("%s-%d", t.Name(), round)) }, size.n, size.limit)
		})
	}
	floods(t, client, key, func() int { return scriptCalls(t, admins...) })
}

// runFailover kills one master under two store instances (each with its
// own ClusterClient). Until the cluster has failed over, no decision waits
// past the timeout, keys on the healthy masters stay exact, and keys on the
// dead master fail with ErrUnavailable; after it, keys in every slot are
// exact again within a second.
func runFailover(t *testing.T, c *redistest.Cluster) {
	ctx := context.Background()
	stores, logs := twoStores(t, func() redis.UniversalClient { return newClusterClient(t, c.Addrs()) }, faultTimeout)
	probe := newClusterClient(t, c.Addrs()) // the test's own view of the slots
	limits := []ratelimit.Limit{{Events: 3, Period: time.Minute}}

	// fresh returns a new key whose slot the master at addr serves, as
	// probe sees the slot map; seq keeps keys from repeating.
	seq := 0
	fresh := func(addr string) string {
		t.Helper()
		for range 100_000 {
			seq++
			k := fmt.Sprintf("f%d", seq)
			m, err := probe.MasterForKey(ctx, stores[0].redisKey(k, limits))
			if err == nil && m.Options().Addr == addr {
				return k
			}
		}
		t.Fatalf("no key found for master %s", addr)
		return ""
	}
	// take8 sends 8 concurrent requests for key across both stores.
	take8 := func(key string) (int, []error, time.Duration) { return burst(ctx, stores[:], key, limits, 4) }

	masters, err := c.Masters(c.Nodes[0].Addr())
	if err != nil || len(masters) != 3 {
		t.Fatalf("masters %v, %v", masters, err)
	}
	for _, m := range masters {
		if n, errs, _ := take8(fresh(m)); n != 3 || errs != nil {
			t.Fatalf("before the kill, a key on %s: %d allowed, %v; want 3", m, n, errs)
		}
	}
	victim, healthy := masters[0], masters[1:]
	c.Node(victim).Stop()
	killed := time.Now()
	failedOver := make(chan struct{})
	go func() {
		defer close(failedOver)
		c.WaitFailover(victim, 20*time.Second)
	}()

	// Until the failover: healthy masters' keys exact, the victim's keys
	// refused at once (ErrUnavailable), nobody waiting past the timeout.
	rounds, refused := 0, 0
	for done := false; !done; rounds++ {
		select {
		case <-failedOver:
			done = true
		default:
		}
		for _, m := range healthy {
			k := fresh(m)
			n, errs, longest := take8(k)
			if n != 3 || errs != nil {
				t.Errorf("round %d, %v after the kill: key on healthy %s: %d allowed, %v; want exactly 3", rounds, time.Since(killed), m, n, errs)
			}
			if longest > faultTimeout+slack {
				t.Errorf("round %d: a decision on a healthy master took %v", rounds, longest)
			}
		}
		_, errs, longest := take8(fresh(victim))
		if longest > faultTimeout+slack {
			t.Errorf("round %d: a decision on the dead master took %v; want at most the timeout", rounds, longest)
		}
		refused += len(errs)
		for _, err := range errs {
			if !errors.Is(err, ratelimit.ErrUnavailable) {
				t.Errorf("round %d: a key on the dead master: %v; want ErrUnavailable", rounds, err)
			}
		}
	}
	t.Logf("cluster failed over %v after the kill; %d rounds of bursts meanwhile, %d decisions on the dead master's keys ErrUnavailable",
		time.Since(killed), rounds, refused)
	if refused == 0 {
		t.Error("no decision on the dead master's keys failed before the failover")
	}

	// After the failover: the victim's slots are served by its replica; the
	// stores follow within a second, and every slot range is exact again.
	deadline := time.Now().Add(time.Second + 500*time.Millisecond)
	var newMaster string
	for {
		probe.ReloadState(ctx)
		time.Sleep(50 * time.Millisecond)
		m, err := probe.MasterForKey(ctx, stores[0].redisKey("f1", limits))
		if err == nil {
			newMaster = m.Options().Addr
		}
		if newMaster != "" && newMaster != victim {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the test's own client still sees %s serving the victim's slots", newMaster)
		}
	}
	followed := time.Now()
	for {
		n, errs, _ := take8(fresh(newMaster))
		if n == 3 && errs == nil {
			break
		}
		if time.Since(followed) > time.Second {
			t.Fatalf("%v after the failover, a key in the victim's slots: %d allowed, %v; want exact again", time.Since(followed), n, errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("keys in the failed master's slots exact again %v after the failover was seen", time.Since(followed))
	// Bursts and floods on the failed master's slots, now served by its
	// replica.
	clusterLoad(t, c, append(slices.Clone(healthy), newMaster), func(string) string { return fresh(newMaster) })
	for _, m := range append(healthy, newMaster) {
		for range 3 {
			if n, errs, _ := take8(fresh(m)); n != 3 || errs != nil {
				t.Errorf("after the failover, a key on %s: %d allowed, %v; want 3", m, n, errs)
			}
		}
	}
	for i := range logs {
		if n := len(logs[i].find("Redis is unavailable")); n > 1 {
			t.Errorf("store %d logged %d outages; want at most one (the dead master's):\n%s", i, n, logs[i])
		}
		for _, r := range logs[i].find("Redis is unavailable") {
			if !recordHas(r, "node", victim) {
				t.Errorf("store %d: an outage of a node other than the dead master:\n%s", i, logs[i])
			}
		}
	}
}

// recordHas reports whether r has the attribute key with value v.
func recordHas(r slog.Record, key, v string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key && a.Value.String() == v {
			found = true
			return false
		}
		return true
	})
	return found
}
