package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// TestBurst sends cold bursts (fresh clients and stores each round, so
// every pool starts empty) of 100 + 100 and 250 + 250 requests at once on
// one key through two store instances with default settings, on an idle
// host and beside CPU-bound processes (three per processor): every round
// admits exactly the limit, no decision fails, and no outage is logged.
func TestBurst(t *testing.T) {
	// Not parallel: the busy cases load the whole machine, and the idle
	// ones must not share it with them.
	for _, load := range []string{"idle", "busy"} {
		for _, tc := range []struct{ n, limit int }{{100, 3}, {250, 100}} {
			t.Run(fmt.Sprintf("%s/%d+%d", load, tc.n, tc.n), func(t *testing.T) {
				srv := redistest.Start(t)
				if load == "busy" {
					hogs(t, 3)
				}
				limits := []ratelimit.Limit{{Events: tc.limit, Period: time.Minute}}
				for round := range burstRounds {
					var (
						stores [2]*Store
						logs   [2]*records
					)
					for i := range stores {
						logs[i] = &records{}
						stores[i] = New(newClient(t, srv.Addr(), true), append([]Option{WithLogger(slog.New(logs[i]))}, burstOptions...)...)
					}
					start := time.Now()
					allowed, errs, longest := burst(context.Background(), stores[:], fmt.Sprintf("round-%d", round), limits, tc.n)
					took := time.Since(start)
					for i, s := range stores {
						_ = s.Close()
						if u := logs[i].find("unavailable"); len(u) != 0 {
							t.Errorf("round %d: store %d logged an outage:\n%s", round, i, logs[i])
						}
					}
					if allowed != tc.limit || len(errs) != 0 {
						t.Fatalf("round %d: %d allowed, %d errors (first: %v); want exactly %d, none", round, allowed, len(errs), first(errs), tc.limit)
					}
					t.Logf("round %d: %d decisions in %v, the longest %v", round, 2*tc.n, took, longest)
				}
			})
		}
	}
}

// burstOptions are added to the defaults (none: the test is of the
// defaults), to measure others.
var burstOptions []Option

func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}
