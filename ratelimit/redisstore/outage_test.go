package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// Timing of the fault tests. The timeout is above the default so that the
// race detector on a small, shared machine does not make a healthy Redis
// look down; slack is what a decision may take beyond it (scheduling).
const (
	faultTimeout = 300 * time.Millisecond
	slack        = 500 * time.Millisecond
	// idle is a little over go-redis's own dial back-off (a second): the
	// time with no traffic between Redis's return and the burst.
	idle = 1200 * time.Millisecond
)

// TestOutage stops Redis (kill, then restart empty) or freezes it (SIGSTOP,
// then SIGCONT) under two store instances sharing it. While it is away every
// decision fails with ratelimit.ErrUnavailable within the timeout; once it
// is back, with no traffic at all, each store's prober brings it up, and
// after an idle spell a concurrent burst across both instances passes
// exactly the limit. It logs, and bounds, the time from Redis's return to
// the moment the next decision goes to Redis.
func TestOutage(t *testing.T) {
	t.Parallel()
	for _, fault := range []string{"kill", "freeze"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			runOutage(t, fault)
		})
	}
}

func runOutage(t *testing.T, fault string) {
	srv := redistest.Start(t)
	// Clients with a pool of 4: probing through the pool would push it
	// into go-redis's dial back-off after 4 probes.
	stores, logs := twoStores(t, func() redis.UniversalClient { return newClientPool(t, srv.Addr(), true, 4) }, faultTimeout)
	ctx := context.Background()
	limits := []ratelimit.Limit{{Events: 3, Period: time.Minute}}
	for i, s := range stores {
		if d, err := s.Take(ctx, "before", limits, 1); err != nil || !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("store %d before the fault: %+v, %v", i, d, err)
		}
	}

	if fault == "kill" {
		srv.Stop()
	} else {
		srv.Freeze()
	}
	// Requests during the fault: the first of each store waits at most the
	// timeout, the rest are answered at once; every one is ErrUnavailable.
	for round := range 5 {
		for i, s := range stores {
			start := time.Now()
			_, err := s.Take(ctx, "during", limits, 1)
			if took := time.Since(start); took > faultTimeout+slack {
				t.Errorf("store %d, round %d: a decision took %v during the fault; want at most the timeout", i, round, took)
			}
			if !errors.Is(err, ratelimit.ErrUnavailable) {
				t.Fatalf("store %d, round %d during the fault: %v; want ErrUnavailable", i, round, err)
			}
		}
	}
	// Long enough for many probes: more than the pool's size of them.
	time.Sleep(time.Second)

	if fault == "kill" {
		srv.Restart()
	} else {
		srv.Thaw()
	}
	back := time.Now()
	time.Sleep(idle) // no traffic at all

	for i := range stores {
		rec := logs[i].find("Redis is back")
		if len(rec) != 1 {
			t.Fatalf("store %d logged the recovery %d times; want once:\n%s", i, len(rec), logs[i])
		}
		took := rec[0].Time.Sub(back)
		t.Logf("store %d: Redis decides again %v after its return, with no traffic", i, took)
		if took > time.Second {
			t.Errorf("store %d: Redis decides again %v after its return; want within a second", i, took)
		}
		if n := len(logs[i].find("Redis is unavailable")); n != 1 {
			t.Errorf("store %d logged the outage %d times; want once:\n%s", i, n, logs[i])
		}
	}

	// A burst across both instances: exactly the limit passes.
	const n = 12
	allowed, errs, _ := burst(ctx, stores[:], "burst", limits, n/2)
	if len(errs) > 0 || allowed != limits[0].Events {
		t.Fatalf("burst of %d after the return: %d allowed, errors %v; want exactly %d allowed", n, allowed, errs, limits[0].Events)
	}
}
