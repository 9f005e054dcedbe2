package ratelimit

import "hash/maphash"

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
	if o == opTake && len(limits) == 1 && len(key) <= keyInline && sh.take(h, key, p[0], limits[0], cost, now, d) {
		return nil
	}
	sh.mu.Lock()
	return sh.doLocked(h, sh.find(h, key), key, p, limits, cost, now, o, d)
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
		t := sh.tags[i]
		e.lock(t) // a decision without the shard's lock may be on it
		defer e.unlock(t)
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
	sh.reset(i, n, now)
	sh.table[i].fullAt = commit(p, n, sh.tats(i), now, cost)
	sh.setKey(i, h, key) // last: a decision without the shard's lock may find it then
	return nil
}
