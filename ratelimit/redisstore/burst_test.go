package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// burstSizes are the bursts of the tests, per store instance, with the
// limit of each. The limits are an hour's, so that no token comes back
// while a burst lasts (on a busy host, a burst of 500 can last longer than
// the 600ms a token of 100 a minute takes): exactly the limit passes.
var burstSizes = []struct{ n, limit int }{{100, 3}, {250, 100}}

// TestBurst sends cold bursts (fresh clients and stores each round, so
// every pool starts empty) of 100 + 100 and 250 + 250 requests at once on
// one key through two store instances with default settings, on an idle
// host and beside CPU-bound processes (three per processor): every round
// admits exactly the limit, no decision fails, and no outage is logged.
func TestBurst(t *testing.T) {
	// Not parallel: the busy cases load the whole machine, and the idle
	// ones must not share it with them.
	for _, load := range []string{"idle", "busy"} {
		for _, size := range burstSizes {
			t.Run(fmt.Sprintf("%s/%d+%d", load, size.n, size.n), func(t *testing.T) {
				srv := redistest.Start(t)
				if load == "busy" {
					hogs(t, 3)
				}
				coldBursts(t, func() redis.UniversalClient { return newClient(t, srv.Addr(), true) },
					func(round int) string { return fmt.Sprintf("round-%d", round) }, size.n, size.limit)
			})
		}
	}
}

// coldBursts runs burstRounds rounds of n + n requests at once on key(round)
// through two stores with default settings, each with a client of its own
// made for the round, and checks that exactly limit pass every round, that
// no decision fails and that no outage is logged.
func coldBursts(t *testing.T, client func() redis.UniversalClient, key func(round int) string, n, limit int) {
	t.Helper()
	limits := []ratelimit.Limit{{Events: limit, Period: time.Hour}}
	for round := range burstRounds {
		var (
			stores [2]*Store
			logs   [2]*records
		)
		for i := range stores {
			logs[i] = &records{}
			stores[i] = New(client(), WithLogger(slog.New(logs[i])))
		}
		start := time.Now()
		allowed, errs, longest := burst(context.Background(), stores[:], key(round), limits, n)
		took := time.Since(start)
		for i, s := range stores {
			_ = s.Close()
			if u := logs[i].find("unavailable"); len(u) != 0 {
				t.Errorf("round %d: store %d logged an outage:\n%s", round, i, logs[i])
			}
		}
		if allowed != limit || len(errs) != 0 {
			t.Fatalf("round %d: %d allowed, %d errors (first: %v); want exactly %d, none", round, allowed, len(errs), first(errs), limit)
		}
		t.Logf("round %d: %d decisions in %v, the longest %v", round, 2*n, took, longest)
	}
}

func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}
