// Package clienttest holds a manual clock for testing code that uses
// package client without waiting for its retries.
package clienttest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is a manual clock for client.WithClock (its Now) and
// client.WithSleep (its Sleep): Sleep returns at once,
// moving the clock forward by the duration and recording it. A server under
// test that reads the same clock (a rate limiter's store, for one) sees the
// time pass as the client waits. It is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// NewClock returns a clock reading start. Start it at time.Now() when the
// code under test sets context deadlines, which are on the system clock.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d without recording a sleep.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep returns ctx.Err() when ctx is done; otherwise it moves the clock
// forward by d, records d and returns nil at once.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

// Sleeps returns the durations Sleep was called with, in order.
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}
