package ratelimit

import (
	"runtime"
	"strings"
	"sync/atomic"
)

// A shard's index is a table of entries: open addressing with linear
// probing on the entries themselves, so that a decision on a held key
// touches one cache line in the common case, the entry at the key's home
// position, which holds the hash's tag, the key (when short) and the
// buckets.
//
// The table is a power of two, kept at most 13/16 full, so probes stay
// short and there is always an empty position; an entry's tag is never 0,
// so a zero tag marks an empty position. Deletion shifts the following
// entries of the run back rather than leaving tombstones; the part of an
// entry kept in the shard's ext map moves with it.
//
// A decision on a held key is made without the shard's lock (see
// memory_fast.go), so the table is read concurrently with the changes made
// under the lock. The rules that make that safe:
//   - An entry's tag is only read and written with atomic operations. Its
//     low bit (lockBit) is the entry's lock: whoever reads or writes an
//     occupied entry's buckets, or moves or clears it, holds it.
//   - A new entry is written in full while its position is empty, and its
//     tag is stored last. A moved entry's new position is written and its
//     tag stored while the old one is locked; the old one is then cleared.
//     An entry left behind by a growth or by Close stays locked for good.
//     So at any time a key has at most one entry that is not locked, and
//     that entry is in the shard's current table.
//   - A key and an entry's count of limits are written only under the
//     shard's lock (the count under the entry's lock as well), so the
//     shard's lock is enough to read them.
//   - The shard keeps the tags again in tags, without lock bits, for its
//     lock's holders: they probe and shift reading that array, four bytes
//     a position, not the entries' tags, which decisions lock and unlock.

// keyInline is the longest key an entry holds inside itself: an IPv4
// address, an IPv6 /64 prefix or a short principal ID, with its prefix.
const keyInline = 34

// lockBit is the bit of an entry's tag that locks the entry.
const lockBit = 1

// entry is one held key: its buckets, its hash's tag and the key, in 64
// bytes. A longer key, or the buckets of more than two limits, are kept in
// the shard's ext map under the entry's position. The zero entry is an
// empty position of the table.
type entry struct {
	fullAt int64    // the instant every bucket is full again
	inline [2]int64 // theoretical arrival time per limit, for up to two
	tag    uint32   // the key's hash's tag (see tagOf), or 0 when empty; with lockBit while locked; atomic
	n      uint8    // how many limits the entry has buckets for
	klen   int8     // the key's length when in kbuf; -1 when in ext
	kbuf   [keyInline]byte
}

// extra is the part of an entry that does not fit in it.
type extra struct {
	more []int64 // theoretical arrival times, when there are more than two
	long string  // the key, when longer than keyInline
}

// lock waits until it holds the lock of e, whose tag is t (not 0). A
// decision holds an entry's lock for a few nanoseconds, so the wait is a
// spin that yields the processor after a while.
func (e *entry) lock(t uint32) {
	for spins := 0; !atomic.CompareAndSwapUint32(&e.tag, t, t|lockBit); spins++ {
		if spins >= 32 {
			runtime.Gosched()
		}
	}
}

// unlock releases e's lock, leaving e's tag t (0 to leave it empty).
func (e *entry) unlock(t uint32) { atomic.StoreUint32(&e.tag, t) }

// setBody makes e's key and buckets those of src; its tag is left alone.
func (e *entry) setBody(src *entry) {
	e.fullAt, e.inline, e.n, e.klen, e.kbuf = src.fullAt, src.inline, src.n, src.klen, src.kbuf
}

// hasExtra reports whether e keeps a part in the shard's ext map.
func (e *entry) hasExtra() bool { return e.klen < 0 || e.n > uint8(len(e.inline)) }

// keyIs reports whether entry idx holds key. The caller holds sh.mu.
func (sh *shard) keyIs(idx int32, key string) bool {
	e := &sh.table[idx]
	if e.klen >= 0 {
		return e.holdsInline(key)
	}
	return sh.ext[idx].long == key
}

// holdsInline reports whether e holds key in kbuf; a key kept in the
// shard's ext map is never equal. The caller holds sh.mu or e's lock.
func (e *entry) holdsInline(key string) bool {
	return int(e.klen) == len(key) && string(e.kbuf[:len(key)]) == key
}

// setKey makes entry idx, which is empty and keeps nothing in ext but its
// buckets, hold key (hash h); storing the tag makes it taken, so the caller
// sets the buckets first. The caller holds sh.mu.
func (sh *shard) setKey(idx int32, h uint64, key string) {
	e := &sh.table[idx]
	if len(key) <= keyInline {
		e.klen = int8(copy(e.kbuf[:], key))
	} else {
		e.klen = -1
		x := sh.ext[idx]
		x.long = strings.Clone(key)
		sh.setExtra(idx, x)
	}
	sh.tags[idx] = tagOf(h)
	e.unlock(sh.tags[idx])
}

func (sh *shard) setExtra(idx int32, x extra) {
	if sh.ext == nil {
		sh.ext = make(map[int32]extra)
	}
	sh.ext[idx] = x
}

// tats returns entry idx's theoretical arrival times, one per limit. The
// caller holds sh.mu and the entry's lock, or is setting the entry up.
func (sh *shard) tats(idx int32) []int64 {
	e := &sh.table[idx]
	if e.n > uint8(len(e.inline)) {
		return sh.ext[idx].more
	}
	return e.inline[:e.n]
}

// reset gives entry idx full buckets for n limits at now.
func (sh *shard) reset(idx int32, n int, now int64) {
	e := &sh.table[idx]
	e.n = uint8(n)
	if n > len(e.inline) {
		x := sh.ext[idx]
		x.more = make([]int64, n)
		sh.setExtra(idx, x)
	}
	tats := sh.tats(idx)
	for i := range tats {
		tats[i] = now
	}
}

// grow extends entry idx's buckets to n limits, the new ones full at now.
func (sh *shard) grow(idx int32, n int, now int64) {
	var old [MaxLimits]int64
	k := copy(old[:], sh.tats(idx))
	sh.reset(idx, n, now)
	copy(sh.tats(idx), old[:k])
}

// clear empties entry idx, whose lock the caller holds, dropping what it
// keeps in ext, before it is reused.
func (sh *shard) clear(idx int32) {
	e := &sh.table[idx]
	if e.hasExtra() {
		delete(sh.ext, idx)
	}
	e.setBody(&entry{})
	sh.tags[idx] = 0
	e.unlock(0)
}

// tagOf is the tag of hash h: its upper half with the top bit set, so that
// it is never 0, and the lock bit clear. Its bits above the lock bit are
// the key's home position in the table (see home).
func tagOf(h uint64) uint32 { return (uint32(h>>32) | 1<<31) &^ lockBit }

// home is the home position of tag's keys in a table of mask+1 entries.
func home(tag uint32, mask int) int { return int(tag>>1) & mask }

// find returns the position of key's entry (hash h), or -1. The caller
// holds sh.mu.
func (sh *shard) find(h uint64, key string) int32 {
	m := len(sh.table) - 1
	if m < 0 {
		return -1
	}
	tag := tagOf(h)
	for i := home(tag, m); ; i = (i + 1) & m {
		t := sh.tags[i]
		if t == 0 {
			return -1
		}
		if t == tag && sh.keyIs(int32(i), key) {
			return int32(i)
		}
	}
}

// place returns the position where a new key of hash h is to be held: an
// empty position of its run, after the table has grown when needed while
// the shard is below its cap, or after a held key whose buckets are all
// full at now has been dropped when it is at its cap; -1 when the shard is
// full of keys that have not refilled. The caller then sets the entry's key
// (setKey), which makes the position taken. The caller holds sh.mu.
func (sh *shard) place(h uint64, now int64) int32 {
	if sh.count < sh.max {
		sh.reserve()
	} else if !sh.evict(now) {
		return -1
	}
	m := len(sh.table) - 1
	i := home(tagOf(h), m)
	for sh.tags[i] != 0 {
		i = (i + 1) & m
	}
	sh.count++
	return int32(i)
}

// reserve grows the table, when needed, so that it stays at most 13/16 full
// after one more key is added. (A table kept emptier makes probes shorter
// but the store's memory larger, and a decision on many keys is bound by
// the cache misses of that memory.) Each entry is copied under its lock,
// which the old table's entry then keeps. The caller holds sh.mu.
func (sh *shard) reserve() {
	if 16*(sh.count+1) <= 13*len(sh.table) {
		return
	}
	old, oldTags, oldExt := sh.table, sh.tags, sh.ext
	table := make([]entry, max(16, 2*len(old)))
	sh.tags, sh.ext, sh.hand = make([]uint32, len(table)), nil, 0
	m := len(table) - 1
	for j, t := range oldTags {
		if t == 0 {
			continue
		}
		e := &old[j]
		e.lock(t)
		i := home(t, m)
		for sh.tags[i] != 0 {
			i = (i + 1) & m
		}
		table[i].setBody(e)
		table[i].tag, sh.tags[i] = t, t // not yet shared
		if e.hasExtra() {
			sh.setExtra(int32(i), oldExt[int32(j)])
		}
	}
	sh.setTable(table)
}

// setTable makes table the shard's table, for its lock's holders and for
// the decisions that do not take it.
func (sh *shard) setTable(table []entry) {
	sh.table = table
	if table == nil {
		sh.view.Store(nil)
		return
	}
	sh.view.Store(&table)
}

// drop empties the shard for good: every entry stays locked, so that a
// decision still on the table finds none. The caller holds sh.mu.
func (sh *shard) drop() {
	for i, t := range sh.tags {
		if t != 0 {
			sh.table[i].lock(t)
		}
	}
	sh.setTable(nil)
	sh.tags, sh.ext, sh.count = nil, nil, 0
}

// evict drops a held key whose buckets are all full at now, looking at up
// to evictScan held keys from where the last scan stopped, and reports
// whether it found one. An entry is seen full and dropped under its lock,
// so that no decision takes from it in between. The caller holds sh.mu.
func (sh *shard) evict(now int64) bool {
	seen := 0
	for range len(sh.table) {
		i := sh.hand
		if sh.hand++; sh.hand == len(sh.table) {
			sh.hand = 0
		}
		t := sh.tags[i]
		if t == 0 {
			continue
		}
		e := &sh.table[i]
		e.lock(t)
		if e.fullAt <= now {
			sh.removeLocked(int32(i))
			return true
		}
		e.unlock(t)
		if seen++; seen == evictScan {
			return false
		}
	}
	return false
}

// remove drops the entry at position idx, shifting back the entries that
// follow it in its run. The caller holds sh.mu.
func (sh *shard) remove(idx int32) {
	sh.table[idx].lock(sh.tags[idx])
	sh.removeLocked(idx)
}

// removeLocked is remove for an entry whose lock the caller holds.
func (sh *shard) removeLocked(idx int32) {
	sh.clear(idx)
	sh.count--
	m := len(sh.table) - 1
	hole := int(idx)
	for j := (hole + 1) & m; sh.tags[j] != 0; j = (j + 1) & m {
		// The entry at j may move to the hole unless its home lies
		// cyclically in (hole, j].
		if k := home(sh.tags[j], m); (hole < j && (k <= hole || k > j)) || (hole > j && k <= hole && k > j) {
			sh.move(int32(j), int32(hole))
			hole = j
		}
	}
}

// move moves the entry at from, with its part in ext, to the empty
// position to. The caller holds sh.mu.
func (sh *shard) move(from, to int32) {
	e, t := &sh.table[from], sh.tags[from]
	e.lock(t)
	if e.hasExtra() {
		sh.ext[to] = sh.ext[from]
		delete(sh.ext, from)
	}
	sh.table[to].setBody(e)
	sh.tags[to], sh.tags[from] = t, 0
	sh.table[to].unlock(t)
	e.setBody(&entry{})
	e.unlock(0)
}
