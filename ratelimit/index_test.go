package ratelimit

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestIndex inserts and removes keys at random in one shard's index, with
// hashes that share their home slots, and checks it against a map.
func TestIndex(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var sh shard
	held := map[string]int32{}
	hashOf := func(k string) uint64 {
		n, _ := strconv.Atoi(strings.TrimRight(k[1:], "x"))
		n += len(k)                             // a long key hashes apart from its short twin
		return uint64(n*37%512)<<32 | uint64(n) // tags shared by many keys
	}
	for step := range 5000 {
		k := "k" + strconv.Itoa(rng.IntN(300))
		if rng.IntN(4) == 0 {
			k += strings.Repeat("x", keyInline) // held in ext
		}
		h := hashOf(k)
		idx, ok := held[k]
		if got := sh.find(h, k); (got >= 0) != ok || (ok && got != idx) {
			t.Fatalf("step %d: find(%s) = %d, want %d (held %v)", step, k, got, idx, ok)
		}
		switch {
		case !ok:
			sh.reserve()
			sh.entries = append(sh.entries, entry{})
			i := int32(len(sh.entries) - 1)
			sh.setKey(i, h, k)
			sh.insert(h, i)
			held[k] = i
		case rng.IntN(2) == 0:
			// Reuse the entry for another key, as eviction does.
			sh.remove(h, idx)
			delete(held, k)
			// Every entry holds a key, as in the store.
			var nk string
			for {
				nk = "k" + strconv.Itoa(rng.IntN(6000))
				if rng.IntN(4) == 0 {
					nk += strings.Repeat("x", keyInline)
				}
				if _, dup := held[nk]; !dup && nk != k {
					break
				}
			}
			nh := hashOf(nk)
			sh.clear(idx)
			sh.setKey(idx, nh, nk)
			sh.insert(nh, idx)
			held[nk] = idx
		}
	}
	if len(sh.ext) > len(held) {
		t.Fatalf("ext holds %d parts for %d keys", len(sh.ext), len(held))
	}
	for k, idx := range held {
		if got := sh.find(hashOf(k), k); got != idx {
			t.Fatalf("find(%s) = %d, want %d", k, got, idx)
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
