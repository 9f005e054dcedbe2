package ratelimit

import "strings"

// A shard's index finds a key's entry with one probe of a small table in
// the common case, and keeps short keys inside the entry, so that a decision
// on a held key touches two cache lines: the index's slot and the entry,
// which is one cache line long.
//
// The table is open addressing with linear probing. A slot is one word: the
// key hash's upper 32 bits (its tag, whose low bits are also its home slot)
// and the entry's position + 1; 0 is an empty slot. The table is a power of
// two at least twice the entries, so probes stay short; deletion shifts the
// following slots back rather than leaving tombstones.

// keyInline is the longest key an entry holds inside itself: an IPv4
// address, an IPv6 /64 prefix or a short principal ID, with its prefix.
const keyInline = 34

// entry is one held key: its buckets, its hash's tag and the key, in 64
// bytes. A longer key, or the buckets of more than two limits, are kept in
// the shard's ext map under the entry's position.
type entry struct {
	fullAt int64    // the instant every bucket is full again
	inline [2]int64 // theoretical arrival time per limit, for up to two
	tag    uint32   // the upper half of the key's hash
	n      uint8    // how many limits the entry has buckets for
	klen   int8     // the key's length when in kbuf; -1 when in ext
	kbuf   [keyInline]byte
}

// extra is the part of an entry that does not fit in it.
type extra struct {
	more []int64 // theoretical arrival times, when there are more than two
	long string  // the key, when longer than keyInline
}

// hasExtra reports whether entry idx keeps a part in ext.
func (e *entry) hasExtra() bool { return e.klen < 0 || e.n > uint8(len(e.inline)) }

// keyIs reports whether entry idx holds key. The caller holds sh.mu.
func (sh *shard) keyIs(idx int32, key string) bool {
	e := &sh.entries[idx]
	if e.klen >= 0 {
		return int(e.klen) == len(key) && string(e.kbuf[:e.klen]) == key
	}
	return sh.ext[idx].long == key
}

// setKey makes entry idx, which keeps nothing in ext, hold key (hash h).
func (sh *shard) setKey(idx int32, h uint64, key string) {
	e := &sh.entries[idx]
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
	e := &sh.entries[idx]
	if e.n > uint8(len(e.inline)) {
		return sh.ext[idx].more
	}
	return e.inline[:e.n]
}

// reset gives entry idx full buckets for n limits at now.
func (sh *shard) reset(idx int32, n int, now int64) {
	e := &sh.entries[idx]
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
	if sh.entries[idx].hasExtra() {
		delete(sh.ext, idx)
	}
	sh.entries[idx] = entry{}
}

func tagOf(h uint64) uint32 { return uint32(h >> 32) }

// find returns the position of key's entry (hash h), or -1. The caller
// holds sh.mu.
func (sh *shard) find(h uint64, key string) int32 {
	m := len(sh.slots) - 1
	if m < 0 {
		return -1
	}
	tag := tagOf(h)
	for i := int(tag) & m; ; i = (i + 1) & m {
		s := sh.slots[i]
		if s == 0 {
			return -1
		}
		if uint32(s>>32) == tag {
			if idx := int32(uint32(s)) - 1; sh.keyIs(idx, key) {
				return idx
			}
		}
	}
}

// insert records that entry idx has hash h. The table must have room
// (reserve). The caller holds sh.mu.
func (sh *shard) insert(h uint64, idx int32) {
	m := len(sh.slots) - 1
	i := int(tagOf(h)) & m
	for sh.slots[i] != 0 {
		i = (i + 1) & m
	}
	sh.slots[i] = uint64(tagOf(h))<<32 | uint64(uint32(idx+1))
}

// reserve grows the table, when needed, so that it stays at least twice the
// size of entries after one more is added. The caller holds sh.mu.
func (sh *shard) reserve() {
	if 2*(len(sh.entries)+1) <= len(sh.slots) {
		return
	}
	sh.slots = make([]uint64, max(16, 2*len(sh.slots)))
	for idx := range sh.entries {
		sh.insert(uint64(sh.entries[idx].tag)<<32, int32(idx))
	}
}

// remove takes entry idx (hash h) out of the table, shifting back the slots
// that follow it in its run. The caller holds sh.mu.
func (sh *shard) remove(h uint64, idx int32) {
	m := len(sh.slots) - 1
	want := uint64(tagOf(h))<<32 | uint64(uint32(idx+1))
	i := int(tagOf(h)) & m
	for sh.slots[i] != want {
		i = (i + 1) & m
	}
	for {
		sh.slots[i] = 0
		j := i
		for {
			j = (j + 1) & m
			s := sh.slots[j]
			if s == 0 {
				return
			}
			// The slot at j may move to i unless its home lies cyclically
			// in (i, j].
			if k := int(uint32(s>>32)) & m; (i < j && (k <= i || k > j)) || (i > j && k <= i && k > j) {
				sh.slots[i] = s
				i = j
				break
			}
		}
	}
}

// slot returns the position of an entry for a new key: a new one while the
// shard is below its cap, else a held one whose buckets are all full at now
// (its key removed from the index), else -1. The caller holds sh.mu.
func (sh *shard) slot(now int64) int32 {
	if len(sh.entries) < sh.max {
		sh.reserve()
		sh.entries = append(sh.entries, entry{})
		return int32(len(sh.entries) - 1)
	}
	for range min(evictScan, len(sh.entries)) {
		i := sh.hand
		if sh.hand++; sh.hand == len(sh.entries) {
			sh.hand = 0
		}
		if e := &sh.entries[i]; e.fullAt <= now {
			sh.remove(uint64(e.tag)<<32, int32(i))
			sh.clear(int32(i))
			return int32(i)
		}
	}
	return -1
}
