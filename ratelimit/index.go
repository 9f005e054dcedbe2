package ratelimit

import "strings"

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

// keyInline is the longest key an entry holds inside itself: an IPv4
// address, an IPv6 /64 prefix or a short principal ID, with its prefix.
const keyInline = 34

// entry is one held key: its buckets, its hash's tag and the key, in 64
// bytes. A longer key, or the buckets of more than two limits, are kept in
// the shard's ext map under the entry's position. The zero entry is an
// empty position of the table.
type entry struct {
	fullAt int64    // the instant every bucket is full again
	inline [2]int64 // theoretical arrival time per limit, for up to two
	tag    uint32   // the upper half of the key's hash, top bit set; 0 when empty
	n      uint8    // how many limits the entry has buckets for
	klen   int8     // the key's length when in kbuf; -1 when in ext
	kbuf   [keyInline]byte
}

// extra is the part of an entry that does not fit in it.
type extra struct {
	more []int64 // theoretical arrival times, when there are more than two
	long string  // the key, when longer than keyInline
}

// hasExtra reports whether e keeps a part in the shard's ext map.
func (e *entry) hasExtra() bool { return e.klen < 0 || e.n > uint8(len(e.inline)) }

// keyIs reports whether entry idx holds key. The caller holds sh.mu.
func (sh *shard) keyIs(idx int32, key string) bool {
	e := &sh.table[idx]
	if e.klen >= 0 {
		return int(e.klen) == len(key) && string(e.kbuf[:e.klen]) == key
	}
	return sh.ext[idx].long == key
}

// setKey makes entry idx, which keeps nothing in ext, hold key (hash h).
func (sh *shard) setKey(idx int32, h uint64, key string) {
	e := &sh.table[idx]
	e.tag = tagOf(h)
	if len(key) <= keyInline {
		e.klen = int8(copy(e.kbuf[:], key))
		return
	}
	e.klen = -1
	x := sh.ext[idx]
	x.long = strings.Clone(key)
	sh.setExtra(idx, x)
}

func (sh *shard) setExtra(idx int32, x extra) {
	if sh.ext == nil {
		sh.ext = make(map[int32]extra)
	}
	sh.ext[idx] = x
}

// tats returns entry idx's theoretical arrival times, one per limit.
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

// clear drops what entry idx keeps in ext, before it is reused.
func (sh *shard) clear(idx int32) {
	if sh.table[idx].hasExtra() {
		delete(sh.ext, idx)
	}
	sh.table[idx] = entry{}
}

// tagOf is the tag of hash h: its upper half with the top bit set, so that
// it is never 0. Its low bits are the key's home position in the table.
func tagOf(h uint64) uint32 { return uint32(h>>32) | 1<<31 }

// find returns the position of key's entry (hash h), or -1. The caller
// holds sh.mu.
func (sh *shard) find(h uint64, key string) int32 {
	m := len(sh.table) - 1
	if m < 0 {
		return -1
	}
	tag := tagOf(h)
	for i := int(tag) & m; ; i = (i + 1) & m {
		t := sh.table[i].tag
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
	i := int(tagOf(h)) & m
	for sh.table[i].tag != 0 {
		i = (i + 1) & m
	}
	sh.count++
	return int32(i)
}

// reserve grows the table, when needed, so that it stays at most 13/16 full
// after one more key is added. (A table kept emptier makes probes shorter
// but the store's memory larger, and a decision on many keys is bound by
// the cache misses of that memory.) The caller holds sh.mu.
func (sh *shard) reserve() {
	if 16*(sh.count+1) <= 13*len(sh.table) {
		return
	}
	old, oldExt := sh.table, sh.ext
	sh.table, sh.ext, sh.hand = make([]entry, max(16, 2*len(old))), nil, 0
	m := len(sh.table) - 1
	for j := range old {
		e := &old[j]
		if e.tag == 0 {
			continue
		}
		i := int(e.tag) & m
		for sh.table[i].tag != 0 {
			i = (i + 1) & m
		}
		sh.table[i] = *e
		if e.hasExtra() {
			sh.setExtra(int32(i), oldExt[int32(j)])
		}
	}
}

// evict drops a held key whose buckets are all full at now, looking at up
// to evictScan held keys from where the last scan stopped, and reports
// whether it found one. The caller holds sh.mu.
func (sh *shard) evict(now int64) bool {
	seen := 0
	for range len(sh.table) {
		i := sh.hand
		if sh.hand++; sh.hand == len(sh.table) {
			sh.hand = 0
		}
		e := &sh.table[i]
		if e.tag == 0 {
			continue
		}
		if e.fullAt <= now {
			sh.remove(int32(i))
			return true
		}
		if seen++; seen == evictScan {
			return false
		}
	}
	return false
}

// remove drops the entry at position idx, shifting back the entries that
// follow it in its run. The caller holds sh.mu.
func (sh *shard) remove(idx int32) {
	sh.clear(idx)
	sh.count--
	m := len(sh.table) - 1
	hole := int(idx)
	for j := (hole + 1) & m; sh.table[j].tag != 0; j = (j + 1) & m {
		// The entry at j may move to the hole unless its home lies
		// cyclically in (hole, j].
		if k := int(sh.table[j].tag) & m; (hole < j && (k <= hole || k > j)) || (hole > j && k <= hole && k > j) {
			sh.move(int32(j), int32(hole))
			hole = j
		}
	}
}

// move moves the entry at from, with its part in ext, to the empty
// position to. The caller holds sh.mu.
func (sh *shard) move(from, to int32) {
	e := &sh.table[from]
	if e.hasExtra() {
		sh.ext[to] = sh.ext[from]
		delete(sh.ext, from)
	}
	sh.table[to] = *e
	*e = entry{}
}
