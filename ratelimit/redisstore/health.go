package redisstore

import (
	"sync/atomic"
	"time"
)

// health is the store's view of Redis, a small circuit breaker. While Redis
// is up every request asks it; after a failure it is down, and only one
// request per retry interval asks it while the others go straight to the
// policy; the first of those that succeeds brings it up again.
//
// Each request carries the generation it saw when it began (even: up, odd:
// down), so that a late answer to a request sent in another generation (a
// success sent before the outage, a failure sent before the recovery)
// changes nothing. Its methods are lock-free and safe for concurrent use;
// times are monotonic nanoseconds since start.
type health struct {
	start   time.Time
	gen     atomic.Uint64
	retryAt atomic.Int64 // while down: when the next request may ask Redis
	since   atomic.Int64 // while down: when the outage began
}

func (h *health) now() int64 { return int64(time.Since(h.start)) }

// try reports whether this request should ask Redis, and the generation to
// report its outcome with.
func (h *health) try(interval time.Duration) (uint64, bool) {
	g := h.gen.Load()
	if g&1 == 0 {
		return g, true
	}
	t, r := h.now(), h.retryAt.Load()
	return g, t >= r && h.retryAt.CompareAndSwap(r, t+int64(interval))
}

// down records a request of generation g that failed, and reports whether
// it began an outage.
func (h *health) down(g uint64, interval time.Duration) bool {
	if h.gen.Load() != g {
		return false
	}
	t := h.now()
	h.retryAt.Store(t + int64(interval))
	if g&1 == 0 && h.gen.CompareAndSwap(g, g+1) {
		h.since.Store(t)
		return true
	}
	return false
}

// up records a request of generation g that Redis answered, and reports
// whether it ended an outage, and the outage's length.
func (h *health) up(g uint64) (time.Duration, bool) {
	if g&1 == 0 || !h.gen.CompareAndSwap(g, g+1) {
		return 0, false
	}
	return time.Duration(h.now() - h.since.Load()), true
}
