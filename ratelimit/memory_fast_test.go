package ratelimit

import (
	"strconv"
	"testing"
)

// TestTakeMovedEntries holds keys whose hashes share home positions and
// tags in one shard, so that the table grows and removals shift entries
// back, and checks after each change that the decision without the
// shard's lock finds every held key with its own bucket, finds no dropped
// key, and cannot lock an entry of a table the shard has left.
func TestTakeMovedEntries(t *testing.T) {
	t.Parallel()
	sh := shard{max: 1 << 10}
	const keys = 40
	hashOf := func(k int) uint64 { return uint64(k%5)<<33 | uint64(k) } // five tags, five homes
	key := func(k int) string { return "k" + strconv.Itoa(k) }
	p := bucket{t: 1, b: 1 << 40}
	tats := map[int]int64{} // what each held key's bucket should be
	// check takes one token from every key of tats on table, and none
	// from any other key.
	check := func(when string, table []entry, held map[int]int64) {
		t.Helper()
		for k := range keys {
			var d Decision
			ok := takeIn(table, hashOf(k), key(k), p, Limit{}, 1, 0, &d)
			tat, want := held[k]
			if ok != want {
				t.Fatalf("%s: take on %s decided %v, held %v", when, key(k), ok, want)
			}
			if !ok {
				continue
			}
			if !d.Allowed || int64(d.ResetAfter) != tat+1 {
				t.Fatalf("%s: take on %s: %+v, want its bucket's instant %d + 1", when, key(k), d, tat)
			}
			held[k] = tat + 1
		}
	}
	var tables [][]entry
	for k := range keys {
		if tp := sh.view.Load(); tp != nil && (len(tables) == 0 || len(*tp) != len(tables[len(tables)-1])) {
			tables = append(tables, *tp)
		}
		// As the store holds a new key: buckets first, the key last.
		h := hashOf(k)
		i := sh.place(h, 0)
		sh.reset(i, 1, 0)
		tats[k] = int64(1000 * (k + 1))
		sh.table[i].inline[0], sh.table[i].fullAt = tats[k], tats[k]
		sh.setKey(i, h, key(k))
		check("after adding "+key(k), *sh.view.Load(), tats)
	}
	tables = tables[:len(tables)-1] // the current one
	if len(tables) < 2 {
		t.Fatalf("the table grew %d times, want at least 2", len(tables))
	}
	for n, old := range tables {
		check("on the table of "+strconv.Itoa(len(old))+" entries left by growth "+strconv.Itoa(n), old, map[int]int64{})
	}
	for k := 0; k < keys; k += 3 {
		sh.remove(sh.find(hashOf(k), key(k)))
		delete(tats, k)
		check("after dropping "+key(k), *sh.view.Load(), tats)
	}
	last := *sh.view.Load()
	sh.drop()
	check("after the shard was dropped", last, map[int]int64{})
	if sh.view.Load() != nil {
		t.Fatal("a dropped shard still shows a table")
	}
}
