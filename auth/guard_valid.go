package auth

import (
	"sync"
	"time"
)

// validCache remembers, for a short while, the credentials that proved
// valid lately (their hashes, never the secrets), at most max of them; the
// oldest remembered goes first when it is full. A request carrying one
// reserves nothing at the door. Nobody enters it without a credential the
// Verifier accepted, so it gives a guesser nothing; and a credential in it
// is still checked by the Verifier on every request: it decides only
// whether the request counts at the door or, should the credential have
// been revoked since, afterwards.
type validCache struct {
	max int
	ttl time.Duration

	mu   sync.Mutex
	m    map[credHash]time.Time // until when each is remembered
	ring []credHash             // in the order added, for eviction
	next int                    // the ring's oldest slot
}

// has reports whether h proved valid less than ttl before now.
func (c *validCache) has(h credHash, now time.Time) bool {
	if c.max == 0 {
		return false
	}
	c.mu.Lock()
	until, ok := c.m[h]
	c.mu.Unlock()
	return ok && now.Before(until)
}

// add remembers h as valid from now.
func (c *validCache) add(h credHash, now time.Time) {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[credHash]time.Time)
	}
	if _, ok := c.m[h]; !ok {
		if len(c.ring) < c.max {
			c.ring = append(c.ring, h)
		} else {
			// The slot's hash may have been forgotten and added again
			// since, in another slot: it then goes a little early.
			delete(c.m, c.ring[c.next])
			c.ring[c.next] = h
			c.next = (c.next + 1) % c.max
		}
	}
	c.m[h] = now.Add(c.ttl)
}

// forget drops h: a credential remembered as valid was refused.
func (c *validCache) forget(h credHash) {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	delete(c.m, h)
	c.mu.Unlock()
}

// len is the number of credentials remembered.
func (c *validCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
