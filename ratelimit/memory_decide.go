package ratelimit

import (
	"hash/maphash"
	"time"
)

// A decision of the memory store: which of a key's buckets it is, and the
// arithmetic on them under the shard's lock (take, peek or refund).

// op is what part.do does with a request.
type op uint8

const (
	opTake op = iota
	opPeek
	opRefund
)

// do decides (and takes, or refunds) one request on limits whose parameters
// p the caller has checked.
func (pt *part) do(key string, p []bucket, limits []Limit, cost int, now int64, o op, d *Decision) error {
	if len(key) > MaxKeyLen {
		key = digestKey(key)
	}
	h := maphash.String(pt.seed, key)
	sh := &pt.shards[h&pt.mask]
	sh.mu.Lock()
	i := sh.find(h, key)
	if i >= 0 && o == opTake && len(limits) == 1 && sh.table[i].n == 1 {
		// The common case, a held key under a single limit, with the
		// lock held only for the arithmetic on its bucket.
		e := &sh.table[i]
		tat := e.inline[0]
		t, b, n := p[0].t, p[0].b, int64(cost)
		if next := max(tat, now) + n*t; n > 0 && n <= b && next-b*t <= now {
			// Allowed and taking tokens: judge's answer, written straight
			// into d.
			e.inline[0], e.fullAt = next, next
			sh.mu.Unlock()
			d.Allowed, d.Limit, d.RetryAfter = true, limits[0], 0
			d.Remaining, d.ResetAfter = int(b-ceilDiv(next-now, t)), time.Duration(next-now)
			return nil
		}
		v := judge(p[0], tat, now, cost)
		if !v.refused && cost > 0 {
			e.inline[0] = max(tat, now) + int64(cost)*p[0].t
			e.fullAt = e.inline[0]
		}
		sh.mu.Unlock()
		*d = v.decision(limits[0])
		return nil
	}
	return sh.doLocked(h, i, key, p, limits, cost, now, o, d)
}

// doLocked is do for the shard that key (hash h) falls in, whose lock the
// caller holds and which it releases; i is the key's entry, or -1.
func (sh *shard) doLocked(h uint64, i int32, key string, p []bucket, limits []Limit, cost int, now int64, o op, d *Decision) error {
	defer sh.mu.Unlock()
	if sh.closed {
		return ErrStoreClosed
	}
	n := len(limits)
	if i >= 0 {
		e := &sh.table[i]
		if int(e.n) < n {
			sh.grow(i, n, now)
		}
		tats := sh.tats(i)
		switch {
		case o == opRefund:
			e.fullAt = refund(p, n, tats, cost)
			return nil
		case n == 1:
			// The common single limit, without the search for the binding one.
			v := judge(p[0], tats[0], now, cost)
			if !v.refused && cost > 0 && o == opTake {
				tats[0] = max(tats[0], now) + int64(cost)*p[0].t
				e.fullAt = tats[0]
				if len(tats) > 1 {
					e.fullAt = maxOf(tats)
				}
			}
			*d = v.decision(limits[0])
			return nil
		}
		*d = decide(p, limits, tats, now, cost)
		if d.Allowed && cost > 0 && o == opTake {
			e.fullAt = commit(p, n, tats, now, cost)
		}
		return nil
	}

	if o == opRefund {
		// Not held: full already, or taken from the overflow buckets.
		for i := range n {
			if sh.overflow[i] > now {
				sh.overflow[i] -= int64(cost) * p[i].t
			}
		}
		return nil
	}
	// A key the store does not hold has full buckets.
	var fresh [MaxLimits]int64
	for i := range n {
		fresh[i] = now
	}
	*d = decide(p, limits, fresh[:], now, cost)
	if !d.Allowed || cost == 0 || o == opPeek {
		return nil
	}
	i = sh.place(h, now)
	if i < 0 {
		// Full of keys that have not refilled: share the overflow bucket.
		*d = decide(p, limits, sh.overflow[:], now, cost)
		if d.Allowed {
			commit(p, n, sh.overflow[:n], now, cost)
		}
		return nil
	}
	sh.setKey(i, h, key)
	sh.reset(i, n, now)
	sh.table[i].fullAt = commit(p, n, sh.tats(i), now, cost)
	return nil
}
