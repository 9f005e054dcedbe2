package redisnode

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestBound checks the context a decision runs in: the caller's own
// when its deadline is nearer than the timeout; a bounded one, whose Done
// closes at most a granule after its exact deadline, for a caller that can
// neither end nor be canceled; a standard one otherwise.
type ctxKey struct{}

func TestBound(t *testing.T) {
	t.Parallel()
	var w wheel
	timeout := 30 * time.Millisecond

	near, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if ctx, _ := w.bound(near, timeout); ctx != near {
		t.Error("a caller's nearer deadline: got a context of the store's own")
	}

	start := time.Now()
	ctx, release := w.bound(context.WithValue(context.Background(), ctxKey{}, "v"), timeout)
	defer release()
	if _, ok := ctx.(*bounded); !ok {
		t.Fatalf("a background caller: %T; want the bounded context", ctx)
	}
	dl, ok := ctx.Deadline()
	if !ok || dl.Sub(start) < timeout || dl.Sub(start) > timeout+time.Second {
		t.Fatalf("Deadline = %v, %v; want the timeout from now", dl.Sub(start), ok)
	}
	if ctx.Err() != nil || ctx.Value(ctxKey{}) != "v" {
		t.Fatalf("before the deadline: Err %v, Value %v", ctx.Err(), ctx.Value(ctxKey{}))
	}
	<-ctx.Done()
	if late := time.Since(dl); late < 0 {
		t.Fatalf("Done closed %v before the deadline", -late)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("after Done: Err = %v", ctx.Err())
	}

	cancelable, cancel2 := context.WithCancel(context.Background())
	ctx, release = w.bound(cancelable, timeout)
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
