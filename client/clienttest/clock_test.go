package clienttest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c := NewClock(start)
	if err := c.Sleep(context.Background(), 20*time.Second); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	if err := c.Sleep(context.Background(), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); !got.Equal(start.Add(23 * time.Second)) {
		t.Errorf("Now %v, want start + 23s", got)
	}
	if got := c.Sleeps(); !reflect.DeepEqual(got, []time.Duration{20 * time.Second, 2 * time.Second}) {
		t.Errorf("Sleeps %v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || len(c.Sleeps()) != 2 {
		t.Errorf("Sleep on a canceled context: %v, sleeps %v", err, c.Sleeps())
	}
}
