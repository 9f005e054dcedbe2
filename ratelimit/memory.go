package ratelimit

import (
	"context"
	"crypto/sha256"
	"errors"
	"hash/maphash"
	"math/bits"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxKeys is how many keys a MemoryStore holds unless told otherwise.
const DefaultMaxKeys = 100_000

// evictScan is how many entries an insertion into a full shard inspects,
// at most, looking for one whose buckets have refilled completely.
const evictScan = 32

// MaxKeyLen is the longest key a MemoryStore holds as it is; a longer one
// (a long path or principal ID) is held as a digest of MaxKeyLen+1 bytes,
// which no shorter key can equal, so that each held key costs a bounded
// amount of memory whatever a client sends.
const MaxKeyLen = 128

// digestKey returns a MaxKeyLen+1-byte key standing for the long key k: a
// SHA-256 digest padded at the front.
func digestKey(k string) string {
	sum := sha256.Sum256([]byte(k))
	var b [MaxKeyLen + 1]byte
	copy(b[len(b)-len(sum):], sum[:])
	return string(b[:])
}

// ErrStoreClosed is returned by Take on a store that was closed.
var ErrStoreClosed = errors.New("apierror/ratelimit: store closed")

// MemoryStore is the in-memory Store: the default, and the right one for a
// service that runs as a single instance. It is safe for concurrent use.
//
// Keys are spread over shards, each with its own lock, so parallel requests
// for different clients do not contend. A decision on a key the store
// already holds allocates nothing.
//
// # Memory bound and eviction
//
// The store holds at most MaxKeys keys (DefaultMaxKeys unless set with
// MemoryMaxKeys). A key whose buckets have all refilled completely is
// indistinguishable from a key never seen, so the store may drop it at any
// time: when a new key arrives at a full shard, the store scans a few
// entries for such a key and reuses its slot. A key whose bucket is not full
// is never dropped, so nothing can reset a limited client's bucket: not
// waiting, not flooding the store with new keys.
//
// When a shard is full and none of the keys it scanned has refilled, the
// new key is not stored: its request is decided against the shard's
// overflow bucket, which all such newcomers share, with the limits of the
// request. Under a flood of new keys the newcomers are therefore limited
// together, as one client, until held keys refill and make room; clients
// the store already holds keep their own buckets throughout. A request that
// is refused, or costs nothing, never stores a key.
//
// Each held key costs about 150 bytes with a short key and two limits (the
// key, 8 bytes a limit, the entry and its share of the index), and at most
// about 300 bytes whatever the key's length (see MaxKeyLen); the store's
// tests hold 100,000 keys, under a flood of a million, in less than 32 MiB
// of heap, with short keys and with 1 KiB ones.
type MemoryStore struct {
	shards []shard
	mask   uint64
	seed   maphash.Seed
	now    func() time.Time
	base   time.Time
	closed atomic.Bool
}

var _ Store = (*MemoryStore)(nil)

type shard struct {
	mu       sync.Mutex
	index    map[string]int32 // key → position in entries
	entries  []entry
	max      int // keys this shard may hold
	hand     int // where the next eviction scan starts
	overflow [MaxLimits]int64
	_        [64]byte // keep neighbouring shards' locks off one cache line
}

type entry struct {
	key    string
	fullAt int64    // the instant every bucket is full again
	n      int32    // how many limits the entry has buckets for
	inline [2]int64 // theoretical arrival time per limit, for up to two
	more   []int64  // the same, when there are more than two
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

// MemoryOption configures a MemoryStore.
type MemoryOption func(*memoryConfig)

type memoryConfig struct {
	now     func() time.Time
	maxKeys int
	shards  int
}

// MemoryClock sets the clock the store reads on Take (time.Now by default).
// Tests pass a manual clock; TakeAt takes the instant as an argument instead.
func MemoryClock(now func() time.Time) MemoryOption {
	if now == nil {
		panic("apierror/ratelimit: MemoryClock: nil clock")
	}
	return func(c *memoryConfig) { c.now = now }
}

// MemoryMaxKeys caps how many keys the store holds (DefaultMaxKeys by
// default); see MemoryStore for what happens at the cap.
func MemoryMaxKeys(n int) MemoryOption {
	if n <= 0 {
		panic("apierror/ratelimit: MemoryMaxKeys: the cap must be positive")
	}
	return func(c *memoryConfig) { c.maxKeys = n }
}

// MemoryShards sets how many independently locked shards the keys are spread
// over, rounded up to a power of two; the default is 4 × GOMAXPROCS, at least
// 16. The cap is divided evenly between shards, so there are never more
// shards than MaxKeys.
func MemoryShards(n int) MemoryOption {
	if n <= 0 || n > 1<<16 {
		panic("apierror/ratelimit: MemoryShards: the count must be between 1 and 65536")
	}
	return func(c *memoryConfig) { c.shards = n }
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	cfg := memoryConfig{now: time.Now, maxKeys: DefaultMaxKeys, shards: max(16, 4*runtime.GOMAXPROCS(0))}
	for _, o := range opts {
		o(&cfg)
	}
	n := 1 << bits.Len(uint(cfg.shards-1)) // round up to a power of two
	for n > 1 && n > cfg.maxKeys {
		n >>= 1
	}
	s := &MemoryStore{
		shards: make([]shard, n),
		mask:   uint64(n - 1),
		seed:   maphash.MakeSeed(),
		now:    cfg.now,
		base:   cfg.now(),
	}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.max = cfg.maxKeys / n
		if i < cfg.maxKeys%n {
			sh.max++
		}
		sh.index = make(map[string]int32)
	}
	return s
}

// Take decides one request of the given cost for key against limits, at the
// store clock's current instant. It implements Store.
func (s *MemoryStore) Take(_ context.Context, key string, limits []Limit, cost int) (Decision, error) {
	return s.TakeAt(key, limits, cost, s.now())
}

// TakeAt is Take at the instant now, for tests and simulations. Instants
// should not go backwards for one key; when they do, the earlier instant
// sees fewer tokens, never more.
func (s *MemoryStore) TakeAt(key string, limits []Limit, cost int, now time.Time) (Decision, error) {
	var p buckets
	if err := checkArgs(&p, limits, cost); err != nil {
		return Decision{}, err
	}
	if len(key) > MaxKeyLen {
		key = digestKey(key)
	}
	t := int64(now.Sub(s.base))
	sh := &s.shards[maphash.String(s.seed, key)&s.mask]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.index == nil {
		return Decision{}, ErrStoreClosed
	}

	if i, ok := sh.index[key]; ok {
		e := &sh.entries[i]
		if int(e.n) < len(limits) {
			e.grow(len(limits), t)
		}
		tats := e.tats()
		d := decide(&p, limits, tats, t, cost)
		if d.Allowed && cost > 0 {
			e.fullAt = commit(&p, len(limits), tats, t, cost)
		}
		return d, nil
	}

	// A key the store does not hold has full buckets.
	var fresh [MaxLimits]int64
	for i := range limits {
		fresh[i] = t
	}
	d := decide(&p, limits, fresh[:], t, cost)
	if !d.Allowed || cost == 0 {
		return d, nil
	}
	i := sh.slot(t)
	if i < 0 {
		// Full of keys that have not refilled: share the overflow bucket.
		d = decide(&p, limits, sh.overflow[:], t, cost)
		if d.Allowed {
			commit(&p, len(limits), sh.overflow[:len(limits)], t, cost)
		}
		return d, nil
	}
	e := &sh.entries[i]
	e.key = strings.Clone(key)
	e.reset(len(limits), t)
	e.fullAt = commit(&p, len(limits), e.tats(), t, cost)
	sh.index[e.key] = int32(i)
	return d, nil
}

// slot returns the position of an entry for a new key: a new one while the
// shard is below its cap, else a held one whose buckets are all full at now
// (its key removed from the index), else -1. The caller holds sh.mu.
func (sh *shard) slot(now int64) int {
	if len(sh.entries) < sh.max {
		sh.entries = append(sh.entries, entry{})
		return len(sh.entries) - 1
	}
	for range min(evictScan, len(sh.entries)) {
		i := sh.hand
		if sh.hand++; sh.hand == len(sh.entries) {
			sh.hand = 0
		}
		if e := &sh.entries[i]; e.fullAt <= now {
			delete(sh.index, e.key)
			return i
		}
	}
	return -1
}

// Len returns how many keys the store holds.
func (s *MemoryStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.index)
		sh.mu.Unlock()
	}
	return n
}

// Close drops every key; Take then returns ErrStoreClosed. Close is
// idempotent and always returns nil.
func (s *MemoryStore) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		sh.index, sh.entries = nil, nil
		sh.mu.Unlock()
	}
	return nil
}
