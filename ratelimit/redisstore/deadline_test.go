package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWithTimeout checks the context a decision runs in: the caller's own
// when its deadline is nearer than the timeout; a bounded one, whose Done
// closes at most a granule after its exact deadline, for a caller that can
// neither end nor be canceled; a standard one otherwise.
func TestWithTimeout(t *testing.T) {
	t.Parallel()
	s := &Store{timeout: 30 * time.Millisecond}

	near, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if ctx, _ := s.withTimeout(near); ctx != near {
		t.Error("a caller's nearer deadline: got a context of the store's own")
	}

	start := time.Now()
	ctx, release := s.withTimeout(context.WithValue(context.Background(), s, "v"))
	defer release()
	if _, ok := ctx.(*bounded); !ok {
		t.Fatalf("a background caller: %T; want the bounded context", ctx)
	}
	dl, ok := ctx.Deadline()
	if !ok || dl.Sub(start) < s.timeout || dl.Sub(start) > s.timeout+time.Second {
		t.Fatalf("Deadline = %v, %v; want the timeout from now", dl.Sub(start), ok)
	}
	if ctx.Err() != nil || ctx.Value(s) != "v" {
		t.Fatalf("before the deadline: Err %v, Value %v", ctx.Err(), ctx.Value(s))
	}
	<-ctx.Done()
	if late := time.Since(dl); late < 0 {
		t.Fatalf("Done closed %v before the deadline", -late)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("after Done: Err = %v", ctx.Err())
	}

	cancelable, cancel2 := context.WithCancel(context.Background())
	ctx, release = s.withTimeout(cancelable)
	if _, ok := ctx.(*bounded); ok {
		t.Fatal("a cancelable caller got the bounded context, which would not see its cancellation")
	}
	cancel2()
	<-ctx.Done()
	release()
}

// TestWheelShares: decisions whose deadlines fall in one granule share one
// channel; a later granule gets a new one.
func TestWheelShares(t *testing.T) {
	t.Parallel()
	var w wheel
	base := time.Now().Add(time.Hour).Truncate(granule)
	a, b := w.until(base.Add(time.Millisecond)), w.until(base.Add(2*time.Millisecond))
	if a != b {
		t.Error("two deadlines in one granule got two channels")
	}
	if c := w.until(base.Add(granule + time.Millisecond)); c == a {
		t.Error("a deadline in the next granule got the previous channel")
	}
}
