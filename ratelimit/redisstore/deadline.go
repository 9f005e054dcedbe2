package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
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

// withTimeout bounds ctx by the store's timeout, unless its own deadline is
// nearer; the returned function releases what it holds.
func (s *Store) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	now := time.Now()
	dl, ok := ctx.Deadline()
	if ok && dl.Sub(now) <= s.timeout {
		return ctx, nop
	}
	if ctx.Done() == nil {
		dl = now.Add(s.timeout)
		return &bounded{Context: ctx, deadline: dl, done: s.wheel.until(dl)}, nop
	}
	return context.WithDeadline(ctx, now.Add(s.timeout))
}

func nop() {}
