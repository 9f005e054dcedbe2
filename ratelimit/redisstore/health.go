package redisstore

import (
	"sync/atomic"
	"time"
)

// health is the store's view of Redis, a small circuit breaker: up until a
// decision fails, then down, when only one request per retry interval asks
// Redis while the others go straight to the policy. Its methods are safe for
// concurrent use and lock-free; times are monotonic nanoseconds since start.
type health struct {
	start   time.Time
	isDown  atomic.Bool
	retryAt atomic.Int64 // while down: when the next request may ask Redis
	since   atomic.Int64 // while down: when the outage began
}

func (h *health) now() int64 { return int64(time.Since(h.start)) }

// try reports whether this request should ask Redis: always while Redis is
// up; while it is down, for the first request after each retry interval.
func (h *health) try(interval time.Duration) bool {
	if !h.isDown.Load() {
		return true
	}
	t, r := h.now(), h.retryAt.Load()
	return t >= r && h.retryAt.CompareAndSwap(r, t+int64(interval))
}

// down records a failed decision and reports whether it began an outage.
func (h *health) down(interval time.Duration) bool {
	t := h.now()
	h.retryAt.Store(t + int64(interval))
	if h.isDown.CompareAndSwap(false, true) {
		h.since.Store(t)
		return true
	}
	return false
}

// up records a decision Redis made and reports whether it ended an outage,
// and the outage's length.
func (h *health) up() (time.Duration, bool) {
	if !h.isDown.Load() || !h.isDown.CompareAndSwap(true, false) {
		return 0, false
	}
	return time.Duration(h.now() - h.since.Load()), true
}
