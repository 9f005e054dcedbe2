package ratelimit

import (
	"sync/atomic"
	"time"
)

// A Take on a held key under a single limit, the decision a service makes
// on almost every request, is made without the shard's lock: it finds the
// key's entry in the table, locks that entry alone (a compare-and-swap of
// its tag's lock bit), checks the key and decides. Parallel decisions on
// different keys then share no cache line that is written; with the
// shard's lock, its line moved between processors on about every other
// decision.
//
// Why it is right. Whoever reads or writes an occupied entry's buckets
// holds its lock: this decision, a decision under the shard's lock, an
// eviction that finds the buckets full and clears the entry, a shift that
// moves it, a growth that copies it. The rules of index.go make the entry
// this decision locks, once its key is checked under the lock, the one
// place of the key: an entry is written in full before its tag is stored;
// a moved entry is published at its new position while its old one is
// locked, and the old one is then cleared; an entry left in an old table
// (growth) or in a dropped one (Close) stays locked for good, so a decision
// that read the table before the change cannot lock it, and takes the lock
// path. Two decisions on one key, whatever path each takes, therefore never
// overlap, and each reads the buckets the one before it wrote: the entry's
// lock orders them (an unlock is an atomic store, a lock an atomic
// compare-and-swap that reads it). Whatever the decision without the lock
// is unsure of (a key not found, perhaps because a shift was under way; an
// entry that stays locked; a key not held inline; several limits) goes to
// the lock path, which decides as before.

// takeTries is how many times a decision without the lock tries to lock a
// key's entry held by another before it takes the shard's lock.
const takeTries = 64

// take is Take's decision on key (hash h, at most keyInline bytes) under
// the single limit l (parameters p), when the shard holds key and the
// decision can be made without the shard's lock; it reports whether it
// decided into d.
func (sh *shard) take(h uint64, key string, p bucket, l Limit, cost int, now int64, d *Decision) bool {
	tp := sh.view.Load()
	return tp != nil && takeIn(*tp, h, key, p, l, cost, now, d)
}

// takeIn is take on table, a table the shard has had.
func takeIn(table []entry, h uint64, key string, p bucket, l Limit, cost int, now int64, d *Decision) bool {
	m := len(table) - 1
	tag := tagOf(h)
	for i, probes := home(tag, m), 0; probes <= m; i, probes = (i+1)&m, probes+1 {
		e := &table[i]
		t := atomic.LoadUint32(&e.tag)
		if t == 0 {
			return false // not held
		}
		if t&^lockBit != tag {
			continue
		}
		if !e.tryLock(tag, t) {
			return false
		}
		if !e.holdsInline(key) {
			e.unlock(tag) // another key of the same tag
			continue
		}
		if e.n != 1 {
			e.unlock(tag)
			return false
		}
		tat := e.inline[0]
		if next := max(tat, now) + int64(cost)*p.t; cost > 0 && int64(cost) <= p.b && next-p.b*p.t <= now {
			// Allowed and taking tokens: judge's answer, written straight
			// into d.
			e.inline[0], e.fullAt = next, next
			e.unlock(tag)
			d.Allowed, d.Limit, d.RetryAfter = true, l, 0
			d.Remaining, d.ResetAfter = int(p.b-ceilDiv(next-now, p.t)), time.Duration(next-now)
			return true
		}
		v := judge(p, tat, now, cost)
		if !v.refused && cost > 0 {
			e.inline[0] = max(tat, now) + int64(cost)*p.t
			e.fullAt = e.inline[0]
		}
		e.unlock(tag)
		*d = v.decision(l)
		return true
	}
	return false
}

// tryLock locks e if its tag is tag, trying a few times while another holds
// it, and reports whether it did; t is e's tag as last read.
func (e *entry) tryLock(tag, t uint32) bool {
	for range takeTries {
		if t == tag && atomic.CompareAndSwapUint32(&e.tag, t, t|lockBit) {
			return true
		}
		if t&^lockBit != tag {
			return false
		}
		t = atomic.LoadUint32(&e.tag)
	}
	return false
}
