package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// TestSentinel runs, behind Sentinel (failover clients, which ask the
// Sentinel for the master): the cold bursts and the floods (see TestBurst
// and TestFlood); then the master is killed under two store instances,
// whose decisions then fail as unavailable; once the Sentinel has
// promoted the replica, those instances follow it, exactly, and fresh ones run the bursts and floods again, exact and
// cheap on the new master.
func TestSentinel(t *testing.T) {
	t.Parallel()
	master := redistest.Start(t)
	host, port, _ := net.SplitHostPort(master.Addr())
	replica := redistest.Start(t, "--replicaof", host, port)
	sentinel := redistest.StartSentinel(t, master.Addr(), time.Second)
	ctx := context.Background()
	// Each client asks the Sentinel for the master before the burst, as
	// the Cluster clients load the slot map: that is the client's start,
	// not the burst's. Its pools stay cold.
	client := func() redis.UniversalClient {
		c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: redistest.SentinelMaster, SentinelAddrs: []string{sentinel.Addr()},
			ContextTimeoutEnabled: true, DisableIdentity: true, Protocol: 2})
		t.Cleanup(func() { _ = c.Close() })
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	load := func(t *testing.T, addr string) {
		admin := newClient(t, addr, true)
		for _, size := range burstSizes {
			t.Run(fmt.Sprintf("%d+%d", size.n, size.n), func(t *testing.T) {
				coldBursts(t, client, func(round int) string { return fmt.Sprintf("%s-%d", t.Name(), round) }, size.n, size.limit)
			})
		}
		floods(t, client, func(name string) string { return name }, func() int { return scriptCalls(t, admin) })
	}
	t.Run("bursts and floods", func(t *testing.T) { load(t, master.Addr()) })

	limits := []ratelimit.Limit{{Events: 3, Period: time.Hour}}
	stores, _ := twoStores(t, client, DefaultTimeout)
	if n, errs, _ := burst(ctx, stores[:], "before the kill", limits, 100); n != 3 || len(errs) != 0 {
		t.Fatalf("before the kill: %d allowed, %d errors (first: %v); want 3, none", n, len(errs), first(errs))
	}
	// What the master allowed reaches the replica before the kill.
	if err := newClient(t, master.Addr(), true).Do(ctx, "WAIT", 1, 5000).Err(); err != nil {
		t.Fatal(err)
	}
	master.Stop()
	killed := time.Now()
	// Until the Sentinel fails over, a decision fails as unavailable: the
	// limiter's policy answers, nothing is allowed unseen. A failover
	// quicker than the call (the old master is gone, so only the promoted
	// replica can answer) gives the new master's exact decision instead.
	if d, err := stores[0].Take(ctx, "during the failover", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) &&
		(err != nil || !d.Allowed || d.Remaining != 2) {
		t.Errorf("a decision right after the kill: %+v, %v; want ErrUnavailable, or the new master's first take", d, err)
	}
	sentinel.WaitMaster(replica.Addr(), 30*time.Second)
	t.Logf("the replica is master %v after the kill", time.Since(killed))

	t.Run("master killed", func(t *testing.T) {
		// The instances made before the kill reach the new master once
		// their clients have heard of it and their stores' probes have
		// found it (bounded: each decision fails fast, or within the
		// timeout, until then).
		for i, s := range stores {
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				_, err := s.Peek(ctx, "probe", limits, 1)
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("store %d still fails 30s after the failover was seen: %v", i, err)
				}
			}
		}
		t.Logf("both instances decide again %v after the kill", time.Since(killed))
		if n, errs, _ := burst(ctx, stores[:], "after the kill", limits, 100); n != 3 || len(errs) != 0 {
			t.Errorf("instances made before the kill, after it: %d allowed, %d errors (first: %v); want 3, none", n, len(errs), first(errs))
		}
		// What the old master allowed was replicated before the kill:
		// the key is still spent.
		if d, err := stores[0].Peek(ctx, "before the kill", limits, 1); err != nil || d.Allowed {
			t.Errorf("a key spent before the kill, after it: %+v, %v; want refused", d, err)
		}
		load(t, replica.Addr())
	})
}
