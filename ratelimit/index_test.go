package ratelimit

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestIndex inserts and removes keys at random in one shard's table, with
// hashes that share their home positions, and checks it against a map.
func TestIndex(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	sh := shard{max: 1 << 20}
	held := map[string]bool{}
	hashOf := func(k string) uint64 {
		n, _ := strconv.Atoi(strings.TrimRight(k[1:], "x"))
		n += len(k)                             // a long key hashes apart from its short twin
		return uint64(n*37%512)<<32 | uint64(n) // tags shared by many keys
	}
	// add holds k as the store does: a position, then the key and buckets.
	add := func(k string) {
		h := hashOf(k)
		i := sh.place(h, 0)
		if i < 0 {
			t.Fatalf("place(%s) found no position", k)
		}
		sh.setKey(i, h, k)
		sh.reset(i, 1+rng.IntN(3), 0) // three limits keep a part in ext
		held[k] = true
	}
	for step := range 5000 {
		k := "k" + strconv.Itoa(rng.IntN(300))
		if rng.IntN(4) == 0 {
			k += strings.Repeat("x", keyInline) // held in ext
		}
		h := hashOf(k)
		got := sh.find(h, k)
		if (got >= 0) != held[k] || (got >= 0 && !sh.keyIs(got, k)) {
			t.Fatalf("step %d: find(%s) = %d, held %v", step, k, got, held[k])
		}
		switch {
		case !held[k]:
			add(k)
		case rng.IntN(2) == 0:
			// Drop the key and hold another, as eviction does; the
			// entries that follow in its run move back.
			sh.remove(got)
			delete(held, k)
			// Every entry holds a key, as in the store.
			var nk string
			for {
				nk = "k" + strconv.Itoa(rng.IntN(6000))
				if rng.IntN(4) == 0 {
					nk += strings.Repeat("x", keyInline)
				}
				if !held[nk] && nk != k {
					break
				}
			}
			add(nk)
		}
	}
	if sh.count != len(held) {
		t.Fatalf("count %d, holding %d keys", sh.count, len(held))
	}
	if len(sh.ext) > len(held) {
		t.Fatalf("ext holds %d parts for %d keys", len(sh.ext), len(held))
	}
	taken := 0
	for i := range sh.table {
		e := &sh.table[i]
		if e.tag == 0 {
			if e.hasExtra() {
				t.Fatalf("empty position %d has a part in ext", i)
			}
			continue
		}
		taken++
		if _, ok := sh.ext[int32(i)]; ok != e.hasExtra() {
			t.Fatalf("position %d: part in ext %v, want %v", i, ok, e.hasExtra())
		}
	}
	if taken != len(held) {
		t.Fatalf("%d positions taken for %d keys", taken, len(held))
	}
	for k := range held {
		if got := sh.find(hashOf(k), k); got < 0 || !sh.keyIs(got, k) {
			t.Fatalf("find(%s) = %d", k, got)
		}
	}
}

// TestEntrySize keeps an entry to one cache line.
func TestEntrySize(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(entry{}); n != 64 {
		t.Fatalf("an entry is %d bytes, want 64", n)
	}
}
