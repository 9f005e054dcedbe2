package auth

import (
	"sync"
	"time"
)

// guardScan is how many of the least recently seen entries a new address
// looks at, at most, for one that is not locked out, when the table is full.
const guardScan = 64

// guardEntry is one address's count: tat is when all its failures are
// earned back (the theoretical arrival time of GCRA). Entries sit on a list
// from the most recently seen (head.next) to the least (head.prev).
type guardEntry struct {
	key        string
	tat        time.Time
	prev, next *guardEntry
}

// guardTable is the FailureGuard's in-memory count: at most max entries,
// and the overflow allowance newcomers share when every entry it looks at
// is locked out (see FailureGuard).
type guardTable struct {
	burst int
	every time.Duration
	max   int

	mu       sync.Mutex
	m        map[string]*guardEntry
	head     guardEntry // the list's sentinel
	overflow guardEntry // not in m nor on the list
}

// over is how long past now the entry refuses the next attempt; positive
// when it is locked out.
func (t *guardTable) over(e *guardEntry, now time.Time) time.Duration {
	d := e.tat.Sub(now)
	if d <= 0 { // all earned back (a zero tat would overflow below)
		return d
	}
	return d - time.Duration(t.burst-1)*t.every
}

// reserve counts one failure for key at now and returns its entry, or,
// when key is locked out, how long until its next attempt.
func (t *guardTable) reserve(key string, now time.Time) (*guardEntry, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[key]
	if ok {
		t.unlinkLocked(e)
		t.pushLocked(e)
	} else {
		e = t.insertLocked(key, now)
	}
	if over := t.over(e, now); over > 0 {
		return nil, over
	}
	if e.tat.Before(now) {
		e.tat = now
	}
	e.tat = e.tat.Add(t.every)
	return e, 0
}

// cancel gives back one failure reserved on e for key, unless e has been
// dropped since.
func (t *guardTable) cancel(key string, e *guardEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e != &t.overflow && (e.key != key || t.m[key] != e) {
		return
	}
	e.tat = e.tat.Add(-t.every)
}

// insertLocked returns a new entry for key, at the head of the list, in
// place of the least recently seen entry that is not locked out when the
// table is full, or the overflow entry when none is found; t.mu is held.
func (t *guardTable) insertLocked(key string, now time.Time) *guardEntry {
	if t.m == nil {
		t.m = make(map[string]*guardEntry)
		t.head.prev, t.head.next = &t.head, &t.head
	}
	if len(t.m) >= t.max && !t.evictLocked(now) {
		return &t.overflow
	}
	e := &guardEntry{key: key}
	t.m[key] = e
	t.pushLocked(e)
	return e
}

// evictLocked drops the least recently seen entry that is not locked out,
// of the guardScan least recently seen, and reports whether it found one;
// t.mu is held. The locked-out entries it passes go to the head of the
// list, so that the next scan looks at others.
func (t *guardTable) evictLocked(now time.Time) bool {
	for range min(guardScan, len(t.m)) {
		old := t.head.prev
		t.unlinkLocked(old)
		if t.over(old, now) <= 0 {
			delete(t.m, old.key)
			return true
		}
		t.pushLocked(old)
	}
	return false
}

func (t *guardTable) unlinkLocked(e *guardEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (t *guardTable) pushLocked(e *guardEntry) {
	e.prev, e.next = &t.head, t.head.next
	e.prev.next, e.next.prev = e, e
}

// len is the number of addresses held.
func (t *guardTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}
