package ratelimit

import "strings"

// A shard's index finds a key's entry with one probe of a small table in
// the common case, and keeps short keys inside the entry, so that a decision
// on a held key touches two cache lines: the index's slot and the entry.
//
// The table is open addressing with linear probing. A slot is one word: the
// key hash's upper 32 bits (its tag, whose low bits are also its home slot)
// and the entry's position + 1; 0 is an empty slot. The table is a power of
// two at least twice the entries, so probes stay short; deletion shifts the
// following slots back rather than leaving tombstones.

// keyInline is the longest key an entry holds inside itself.
const keyInline = 40

// entry is one held key: its hash, its buckets and the key.
type entry struct {
	hash   uint64
	fullAt int64    // the instant every bucket is full again
	inline [2]int64 // theoretical arrival time per limit, for up to two
	n      int32    // how many limits the entry has buckets for
	klen   int32    // the key's length when in kbuf; -1 when in long
	kbuf   [keyInline]byte
	more   []int64 // theoretical arrival times, when there are more than two
	long   string  // the key, when longer than keyInline
}

// is reports whether e holds key.
func (e *entry) is(key string) bool {
	if e.klen >= 0 {
		return int(e.klen) == len(key) && string(e.kbuf[:e.klen]) == key
	}
	return e.long == key
}

// setKey makes e hold key.
func (e *entry) setKey(key string) {
	if len(key) <= keyInline {
		e.klen, e.long = int32(copy(e.kbuf[:], key)), ""
		return
	}
	e.klen, e.long = -1, strings.Clone(key)
}

// tats returns the entry's theoretical arrival times, one per limit.
func (e *entry) tats() []int64 {
	if e.more != nil {
		return e.more
	}
	return e.inline[:e.n]
}

// reset gives the entry full buckets for n limits at now.
func (e *entry) reset(n int, now int64) {
	e.n, e.more = int32(n), nil
	if n > len(e.inline) {
		e.more = make([]int64, n)
	}
	tats := e.tats()
	for i := range tats {
		tats[i] = now
	}
}

// grow extends e's buckets to n limits, the new ones full at now.
func (e *entry) grow(n int, now int64) {
	old := e.tats()
	e.reset(n, now)
	copy(e.tats(), old)
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
			if idx := int32(uint32(s)) - 1; sh.entries[idx].hash == h && sh.entries[idx].is(key) {
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
		sh.insert(sh.entries[idx].hash, int32(idx))
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
