package idempotency_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/storetest"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) idempotency.Store { return idempotency.NewMemoryStore() })
}

// A full store evicts the saved response that finished first, and refuses
// a new key when every key it holds is running.
func TestMemoryBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := idempotency.NewMemoryStore(idempotency.MemoryMaxKeys(2), idempotency.MemoryClock(func() time.Time { return now }))
	ctx := context.Background()
	a, _ := s.Begin(ctx, "a", "f", time.Minute)
	_ = s.Finish(ctx, "a", a.Token, "f", []byte("a"), time.Hour)
	b, _ := s.Begin(ctx, "b", "f", time.Minute)
	if c, err := s.Begin(ctx, "c", "f", time.Minute); err != nil || c.State != idempotency.Started || s.Len() != 2 {
		t.Fatalf("a third key in a full store: %v %v, %d keys", c.State, err, s.Len())
	}
	if c, _ := s.Begin(ctx, "a", "f", time.Minute); c.State == idempotency.Done {
		t.Error("the oldest saved response was not evicted")
	}
	_, err := s.Begin(ctx, "d", "f", time.Minute)
	if !errors.Is(err, idempotency.ErrUnavailable) || !errors.Is(err, idempotency.ErrFull) {
		t.Errorf("a full store of running keys: %v; want ErrFull and ErrUnavailable", err)
	}
	// A lease that ran out makes room.
	now = now.Add(2 * time.Minute)
	if c, err := s.Begin(ctx, "d", "f", time.Minute); err != nil || c.State != idempotency.Started {
		t.Errorf("after the leases ran out: %v %v", c.State, err)
	}
	_ = b
}
