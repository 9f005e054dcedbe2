package middleware

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/apierror/apierror/errresp"
)

// ConcurrencyOption configures ConcurrencyLimit.
type ConcurrencyOption func(*concurrencyConfig)

type concurrencyConfig struct {
	backlog    int64
	wait       time.Duration
	retryAfter time.Duration
	onWait     func() // tests: called when a request enters the backlog
}

// ConcurrencyBacklog lets up to n requests beyond the limit wait, each at
// most wait, for a request in flight to finish. The default is no backlog:
// a request over the limit is refused at once. ConcurrencyBacklog panics
// when n or wait is not positive.
func ConcurrencyBacklog(n int, wait time.Duration) ConcurrencyOption {
	mustPositive("ConcurrencyBacklog size", n)
	mustPositive("ConcurrencyBacklog wait", wait)
	return func(c *concurrencyConfig) { c.backlog, c.wait = int64(n), wait }
}

// ConcurrencyRetryAfter sets the Retry-After a refused request is sent
// (default one second). It panics when d is not positive.
func ConcurrencyRetryAfter(d time.Duration) ConcurrencyOption {
	mustPositive("ConcurrencyRetryAfter", d)
	return func(c *concurrencyConfig) { c.retryAfter = d }
}

// ConcurrencyLimit lets at most n requests be served at once below it,
// which is what chi's middleware.Throttle does, answering the rest with an
// Unavailable (503) envelope in the request's style with a Retry-After
// header (see ConcurrencyRetryAfter), instead of Throttle's plain text. With
// ConcurrencyBacklog, a bounded number of requests wait a bounded time for
// a slot first; a waiting request whose client goes away leaves the queue.
// The limit is shared by every request through the returned middleware, so
// mount one value where one limit is meant. ConcurrencyLimit panics when n
// is not positive. It allocates nothing on a request that finds a slot.
func ConcurrencyLimit(n int, opts ...ConcurrencyOption) func(http.Handler) http.Handler {
	mustPositive("ConcurrencyLimit", n)
	c := concurrencyConfig{retryAfter: time.Second}
	for _, o := range opts {
		o(&c)
	}
	slots := make(chan struct{}, n)
	var waiting atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case slots <- struct{}{}:
			default:
				if !c.await(slots, &waiting, r) {
					c.refuse(w, r)
					return
				}
			}
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		})
	}
}

// await waits in the backlog for a slot, and reports whether it got one.
func (c *concurrencyConfig) await(slots chan struct{}, waiting *atomic.Int64, r *http.Request) bool {
	if c.backlog == 0 {
		return false
	}
	if waiting.Add(1) > c.backlog {
		waiting.Add(-1)
		return false
	}
	defer waiting.Add(-1)
	if c.onWait != nil {
		c.onWait()
	}
	t := time.NewTimer(c.wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}

// refuse answers a request that found no slot.
func (c *concurrencyConfig) refuse(w http.ResponseWriter, r *http.Request) {
	if err := r.Context().Err(); err != nil {
		_, _ = errresp.Write(w, r, err) // the client went away while waiting
		return
	}
	e := errresp.New(errresp.Unavailable, "") // the style's message for the kind, as any 503's
	e.RetryAfter = c.retryAfter
	_, _ = errresp.Write(w, r, e)
}
