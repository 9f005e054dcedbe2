package ratelimit

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestIndex inserts and removes keys at random in one shard's index, with
// hashes that share their home slots, and checks it against a map.
func TestIndex(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var sh shard
	held := map[string]int32{}
	hashOf := func(k string) uint64 {
		n, _ := strconv.Atoi(k[1:])
		return uint64(n*37%512)<<32 | uint64(n) // tags shared by many keys
	}
	for step := range 5000 {
		k := "k" + strconv.Itoa(rng.IntN(300))
		h := hashOf(k)
		idx, ok := held[k]
		if got := sh.find(h, k); (got >= 0) != ok || (ok && got != idx) {
			t.Fatalf("step %d: find(%s) = %d, want %d (held %v)", step, k, got, idx, ok)
		}
		switch {
		case !ok:
			sh.reserve()
			sh.entries = append(sh.entries, entry{hash: h})
			i := int32(len(sh.entries) - 1)
			sh.entries[i].setKey(k)
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
				if _, dup := held[nk]; !dup && nk != k {
					break
				}
			}
			nh := hashOf(nk)
			sh.entries[idx].hash = nh
			sh.entries[idx].setKey(nk)
			sh.insert(nh, idx)
			held[nk] = idx
		}
	}
	for k, idx := range held {
		if got := sh.find(hashOf(k), k); got != idx {
			t.Fatalf("find(%s) = %d, want %d", k, got, idx)
		}
	}
}
