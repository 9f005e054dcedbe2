package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// TestMemoryStoreAt checks the explicit-time twins against the calls that
// read the store's clock: at the same instants they give the same answers.
func TestMemoryStoreAt(t *testing.T) {
	t.Parallel()
	limits := []ratelimit.Limit{{Events: 2, Period: time.Second}}
	start := time.Unix(1_800_000_000, 0)
	now := start
	clocked := ratelimit.NewMemoryStore(ratelimit.MemoryClock(func() time.Time { return now }))
	explicit := ratelimit.NewMemoryStore(ratelimit.MemoryClock(func() time.Time { return start }))
	ctx := context.Background()
	steps := []struct {
		at   time.Duration
		call string
	}{
		{0, "take"}, {0, "take"}, {0, "peek"}, {0, "take"}, {100 * time.Millisecond, "refund"},
		{100 * time.Millisecond, "peek"}, {200 * time.Millisecond, "take"}, {700 * time.Millisecond, "take"}, {time.Second, "peek"},
	}
	for i, st := range steps {
		now = start.Add(st.at)
		var a, b ratelimit.Decision
		var errA, errB error
		switch st.call {
		case "take":
			a, errA = clocked.Take(ctx, "k", limits, 1)
			b, errB = explicit.TakeAt("k", limits, 1, now)
		case "peek":
			a, errA = clocked.Peek(ctx, "k", limits, 1)
			b, errB = explicit.PeekAt("k", limits, 1, now)
		case "refund":
			errA = clocked.Refund(ctx, "k", limits, 1)
			errB = explicit.RefundAt("k", limits, 1, now)
		}
		if a != b || errA != nil || errB != nil {
			t.Fatalf("step %d, %s at %v: clock %+v %v, explicit %+v %v", i, st.call, st.at, a, errA, b, errB)
		}
	}
	// The refund at 100 ms gave back a token: the take at 200 ms passes.
	if d, _ := explicit.PeekAt("k", limits, 1, start.Add(time.Second)); !d.Allowed {
		t.Errorf("after the refund and a second's refill: %+v, want allowed", d)
	}
}
