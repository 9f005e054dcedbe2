package ratelimit

import (
	"context"
	"crypto/sha256"
	"errors"
	"hash/maphash"
	"math/bits"
	"runtime"
	"slices"
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
// Keys are spread over shards, each with its own lock, which inserting and
// dropping keys take. A Take on a key the store already holds, under a
// single limit, takes no shard's lock, only the key's own entry: parallel
// requests for different clients share nothing they write. A decision on a
// key the store already holds allocates nothing.
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
// # Limiters sharing a store
//
// Each limiter name (see WithName) has a part of the store of its own:
// its own shards, its own cap of MaxKeys keys and its own overflow
// buckets. A flood of new keys on one limiter therefore never changes the
// answers of another; the store's memory is bounded by MaxKeys times the
// number of limiter names, which the service's code fixes. Take, Peek,
// Refund and TakeAt called on the store directly use a part of their own.
//
// Each held key costs 84 to 168 bytes with a key of up to 34 bytes and up
// to two limits (an entry of 64 bytes, one cache line, holding both, and
// its 4-byte tag again, in a table kept between 13/32 and 13/16 full), and
// at most about 400 bytes whatever the key's length (see MaxKeyLen); the
// store's tests hold 100,000 keys, under a flood of a million, in less
// than 32 MiB of heap, with short keys and with 1 KiB ones.
type MemoryStore struct {
	part                    // the store's own keys: Take, Peek, Refund and TakeAt
	now    func() time.Time // nil: the monotonic clock, read once a decision
	base   time.Time
	cfg    memoryConfig
	closed atomic.Bool
	last   atomic.Pointer[lastParams] // the first limits checked

	mu    sync.Mutex       // guards parts
	parts map[string]*part // one a limiter name (see MemoryStore)
}

var _ fastStore = (*MemoryStore)(nil)

// part is one limiter's share of a store: shards holding up to the store's
// cap of keys, and the overflow buckets of its own newcomers.
type part struct {
	shards []shard
	mask   uint64
	seed   maphash.Seed
}

type shard struct {
	// What a decision without the lock reads (see memory_fast.go), on a
	// cache line that only a growth or Close writes.
	view atomic.Pointer[[]entry] // table
	_    [64]byte

	mu       sync.Mutex
	table    []entry         // the held keys, found by their hash (see index.go)
	tags     []uint32        // the entries' tags, for the lock's holders
	ext      map[int32]extra // the parts of entries that do not fit in them
	count    int             // keys held
	max      int             // keys this shard may hold
	hand     int             // the table position where the next eviction scan starts
	closed   bool
	overflow [MaxLimits]int64
	_        [64]byte // keep neighbouring shards' locks off one cache line
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	cfg := memoryConfig{maxKeys: DefaultMaxKeys, shards: max(16, 4*runtime.GOMAXPROCS(0))}
	for _, o := range opts {
		o(&cfg)
	}
	s := &MemoryStore{now: cfg.now, base: time.Now(), cfg: cfg}
	if s.now != nil {
		s.base = s.now()
	}
	s.part = *s.newPart()
	return s
}

// newPart returns an empty part with the store's cap and shard count.
func (s *MemoryStore) newPart() *part {
	n := 1 << bits.Len(uint(s.cfg.shards-1)) // round up to a power of two
	for n > 1 && n > s.cfg.maxKeys {
		n >>= 1
	}
	p := &part{shards: make([]shard, n), mask: uint64(n - 1), seed: maphash.MakeSeed()}
	for i := range p.shards {
		sh := &p.shards[i]
		sh.max = s.cfg.maxKeys / n
		if i < s.cfg.maxKeys%n {
			sh.max++
		}
	}
	return p
}

// partition returns the part that keeps the keys of the limiters named name,
// made on first use. A limiter asks for it once, when it is built.
func (s *MemoryStore) partition(name string) *part {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.parts[name]; ok {
		return p
	}
	p := s.newPart()
	if s.closed.Load() {
		p.close()
	}
	if s.parts == nil {
		s.parts = make(map[string]*part)
	}
	s.parts[name] = p
	return p
}

// decider returns the decider for the part of the store that keeps the
// keys of the limiters named name, or for the store's own part when name is
// "". It implements fastStore.
func (s *MemoryStore) decider(name string) decider {
	if name == "" {
		return partDecider{s, &s.part}
	}
	return partDecider{s, s.partition(name)}
}

// partDecider decides on one part of a store at the store's clock.
type partDecider struct {
	s *MemoryStore
	p *part
}

func (pd partDecider) decide(key string, params []bucket, limits []Limit, cost int, o op) (Decision, time.Time, error) {
	var d Decision
	dp := &d
	if o == opRefund {
		dp = nil
	}
	t := pd.s.instant()
	err := pd.p.do(key, params, limits, cost, t, o, dp)
	return d, pd.s.wall(t), err
}

// instant is the store clock's current instant, in ns since the store was
// made.
func (s *MemoryStore) instant() int64 {
	if s.now == nil {
		return int64(time.Since(s.base)) // monotonic, without reading the wall clock
	}
	return int64(s.now().Sub(s.base))
}

// wall is the wall-clock time of the store's instant t.
func (s *MemoryStore) wall(t int64) time.Time { return s.base.Add(time.Duration(t)) }

// Take decides one request of the given cost for key against limits, at the
// store clock's current instant. It implements Store.
func (s *MemoryStore) Take(_ context.Context, key string, limits []Limit, cost int) (d Decision, err error) {
	err = s.at(key, limits, cost, s.instant(), opTake, &d)
	return d, err
}

// Peek returns the decision Take would return now, taking nothing. It
// implements Store.
func (s *MemoryStore) Peek(_ context.Context, key string, limits []Limit, cost int) (d Decision, err error) {
	err = s.at(key, limits, cost, s.instant(), opPeek, &d)
	return d, err
}

// Refund gives back cost tokens to each of limits for key. It implements
// Store.
func (s *MemoryStore) Refund(_ context.Context, key string, limits []Limit, cost int) error {
	var d Decision
	return s.at(key, limits, cost, s.instant(), opRefund, &d)
}

// TakeAt is Take at the instant now, for tests and simulations. Instants
// should not go backwards for one key; when they do, the earlier instant
// sees fewer tokens, never more.
func (s *MemoryStore) TakeAt(key string, limits []Limit, cost int, now time.Time) (d Decision, err error) {
	err = s.at(key, limits, cost, int64(now.Sub(s.base)), opTake, &d)
	return d, err
}

// PeekAt is Peek at the instant now, as TakeAt is Take.
func (s *MemoryStore) PeekAt(key string, limits []Limit, cost int, now time.Time) (d Decision, err error) {
	err = s.at(key, limits, cost, int64(now.Sub(s.base)), opPeek, &d)
	return d, err
}

// RefundAt is Refund at the instant now, as TakeAt is Take.
func (s *MemoryStore) RefundAt(key string, limits []Limit, cost int, now time.Time) error {
	var d Decision
	return s.at(key, limits, cost, int64(now.Sub(s.base)), opRefund, &d)
}

// at decides the request into d, which the caller's result holds, so that
// the decision is not copied on its way out.
func (s *MemoryStore) at(key string, limits []Limit, cost int, now int64, o op, d *Decision) error {
	if c := s.last.Load(); c != nil && cost >= 0 && sameParams(c.limits, limits) {
		return s.part.do(key, c.p, limits, cost, now, o, d)
	}
	return s.atChecked(key, limits, cost, now, o, d)
}

// atChecked is at for limits other than the last ones seen: it checks them
// and, the first time, keeps their parameters for the calls that follow.
func (s *MemoryStore) atChecked(key string, limits []Limit, cost int, now int64, o op, d *Decision) error {
	var p [MaxLimits]bucket
	if err := checkArgs(p[:], limits, cost); err != nil {
		return err
	}
	if s.last.Load() == nil {
		s.last.CompareAndSwap(nil, &lastParams{slices.Clone(limits), slices.Clone(p[:len(limits)])})
	}
	return s.part.do(key, p[:], limits, cost, now, o, d)
}

// lastParams is a list of limits a store has checked, with its parameters,
// so that a store used with one list (as most are) checks it once.
type lastParams struct {
	limits []Limit
	p      []bucket
}

// sameParams reports whether a and b describe the same buckets.
func sameParams(a, b []Limit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Events != b[i].Events || a[i].Period != b[i].Period || a[i].Burst != b[i].Burst {
			return false
		}
	}
	return true
}

// Len returns how many keys the store holds, for every limiter.
func (s *MemoryStore) Len() int {
	n := s.part.len()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.parts {
		n += p.len()
	}
	return n
}

func (pt *part) len() int {
	n := 0
	for i := range pt.shards {
		sh := &pt.shards[i]
		sh.mu.Lock()
		n += sh.count
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
	s.part.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.parts {
		p.close()
	}
	return nil
}

func (pt *part) close() {
	for i := range pt.shards {
		sh := &pt.shards[i]
		sh.mu.Lock()
		if !sh.closed {
			sh.drop()
			sh.closed = true
		}
		sh.mu.Unlock()
	}
}
