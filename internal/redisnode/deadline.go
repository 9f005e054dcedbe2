package redisnode

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// granule is how late, at most, a bounded context's Done closes after its
// deadline (see bounded).
const granule = 5 * time.Millisecond

// bounded is the context a decision runs in when the caller's context has
// no deadline nearer than the timeout and cannot be canceled (Done is nil,
// as for context.Background). Deadline is exactly the timeout's, so
// go-redis (with ContextTimeoutEnabled) bounds the dial and every socket
// read and write by it; Done is a channel shared by every decision whose
// deadline falls in the same granule, closed by one timer at the granule's
// end, so the few waits go-redis makes on Done (a turn in the pool, a
// back-off between dials) end at most a granule late. It costs one small
// allocation a decision, where context.WithTimeout costs a timer, a
// channel and a cancel context.
type bounded struct {
	context.Context // the caller's, for its values
	deadline        time.Time
	done            <-chan struct{}
}

func (c *bounded) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *bounded) Done() <-chan struct{}       { return c.done }

func (c *bounded) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// wheel hands out the shared Done channels of bounded contexts, one per
// granule of deadline.
type wheel struct {
	cur atomic.Pointer[spoke]
	mu  sync.Mutex // held to make a new spoke
}

// spoke is the channel of one granule, closed at end.
type spoke struct {
	end  int64 // Unix ns
	done chan struct{}
}

// until returns a channel closed at or within a granule after deadline.
func (w *wheel) until(deadline time.Time) <-chan struct{} {
	end := (deadline.UnixNano()/int64(granule) + 1) * int64(granule)
	if s := w.cur.Load(); s != nil && s.end >= end && s.end-end < int64(granule) {
		return s.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.cur.Load(); s != nil && s.end >= end && s.end-end < int64(granule) {
		return s.done
	}
	s := &spoke{end: end, done: make(chan struct{})}
	time.AfterFunc(time.Until(time.Unix(0, end)), func() { close(s.done) })
	w.cur.Store(s)
	return s.done
}

// Bound bounds ctx by the timeout, unless its own deadline is nearer; the
// returned function releases what it holds. A caller's context that can
// neither end nor be canceled (Done is nil) gets a context whose Done is
// shared by every call whose deadline falls in the same 5ms granule, which
// costs one small allocation, where context.WithTimeout costs a timer, a
// channel and a cancel context.
func (n *Nodes) Bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return n.wheel.bound(ctx, n.cfg.Timeout)
}

func (w *wheel) bound(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	now := time.Now()
	dl, ok := ctx.Deadline()
	if ok && dl.Sub(now) <= timeout {
		return ctx, nop
	}
	if ctx.Done() == nil {
		dl = now.Add(timeout)
		return &bounded{Context: ctx, deadline: dl, done: w.until(dl)}, nop
	}
	return context.WithDeadline(ctx, now.Add(timeout))
}

// ContextBounded reports whether c bounds socket reads and writes by the
// context's deadline (go-redis does only with ContextTimeoutEnabled).
// Without it, a store should run each call in a goroutine of its own (see
// Nodes.Do) so that the caller can stop waiting at the deadline.
func ContextBounded(c redis.UniversalClient) bool {
	switch c := c.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return false
}

// Do runs call under Bound(ctx) and returns its error, or the context's
// once it is done. With a client that bounds its socket I/O by the context
// (ContextBounded), call runs in the caller's goroutine; otherwise in one
// of its own, which the caller stops waiting for at the deadline (call must
// then not touch what the caller keeps once Do has returned with the
// context's error).
func (n *Nodes) Do(ctx context.Context, call func(context.Context) error) error {
	ctx, cancel := n.Bound(ctx)
	defer cancel()
	if n.ctxBounds {
		return call(ctx)
	}
	done := make(chan error, 1)
	go func() { done <- call(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func nop() {}
