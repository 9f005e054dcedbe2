package redisstore

import (
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// refusals remembers, for keys Redis has refused, until when it refuses
// them: under GCRA a refused request takes nothing, and a bucket's
// theoretical arrival time (TAT) moves only forward (a take) until a
// refund moves it back. So a refusal with retry-after r for cost c, asked
// at instant t, shows that the binding limit's TAT minus its length, F,
// was at least t + r - c·interval, and that any request of cost k before
// F + k·interval is refused too: the store answers it here, with the
// remaining, reset and retry times Redis would give (from F), and no
// round trip. t is the instant the call was queued, before Redis ran it, so
// the local F is never later than Redis's: the store may ask Redis a
// little early, never refuse what Redis would allow. A refund through the
// store forgets the key first.
//
// Memory is bounded: at most max keys, in shards; a shard that is full
// drops the entries that refuse nothing any more, then arbitrary ones (a
// dropped entry costs one round trip, nothing else).
type refusals struct {
	seed   maphash.Seed
	epoch  time.Time        // the monotonic origin of the instants kept
	clock  func() time.Time // WithClock's, when set: instants are its Unix ns
	per    int              // keys a shard holds at most; 0: off
	shards [16]refusalShard
}

type refusalShard struct {
	mu sync.Mutex
	m  map[string]refusal
}

// refusal is one key's: its limits (the list it was refused for), the
// binding one, and F in ns since epoch.
type refusal struct {
	limits []ratelimit.Limit
	bind   int
	free   int64
	asked  int64 // the instant the refused call was queued, or the refund was
	// refund marks an entry that holds no refusal, only the instant of
	// the key's last refund through this store: a refusal asked before it,
	// whose reply comes after it, is older than the bucket and not kept.
	refund bool
}

func (r *refusals) init(max int, clock func() time.Time) {
	r.clock = clock
	r.seed = maphash.MakeSeed()
	r.epoch = time.Now()
	r.per = (max + len(r.shards) - 1) / len(r.shards)
}

// now is the current instant, in ns since epoch (monotonic), or by the
// store's clock when it has one.
func (r *refusals) now() int64 {
	if r.clock != nil {
		return r.clock().UnixNano()
	}
	return int64(time.Since(r.epoch))
}

func (r *refusals) shard(rk string) *refusalShard {
	return &r.shards[maphash.String(r.seed, rk)%uint64(len(r.shards))]
}

// refused returns the refusal Redis would give now to cost for rk and
// limits, when the key's entry shows it.
func (r *refusals) refused(rk string, limits []ratelimit.Limit, cost int) (ratelimit.Decision, bool) {
	if r.per == 0 || cost <= 0 {
		return ratelimit.Decision{}, false
	}
	sh := r.shard(rk)
	sh.mu.Lock()
	e, ok := sh.m[rk]
	sh.mu.Unlock()
	if !ok || e.refund || !slices.Equal(e.limits, limits) {
		return ratelimit.Decision{}, false
	}
	for _, l := range limits {
		if cost > l.Capacity() {
			return ratelimit.Decision{}, false // Redis's answer: no wait lets it pass
		}
	}
	l := limits[e.bind]
	ivl := int64(l.Interval())
	now := r.now()
	retry := e.free + int64(cost)*ivl - now
	if retry <= 0 {
		return ratelimit.Decision{}, false
	}
	rem := (now - e.free) / ivl
	rem = max(0, min(rem, int64(l.Capacity())))
	return ratelimit.Decision{
		Limit:      l,
		Remaining:  int(rem),
		ResetAfter: time.Duration(max(0, e.free+ivl*int64(l.Capacity())-now)),
		RetryAfter: time.Duration(retry),
	}, true
}

// note records what Redis answered a request of cost for rk and limits,
// queued at instant at: a refusal with a wait is kept; an allowed take
// queued after the kept refusal was forgets the key (one queued before it,
// whose reply came later, says nothing new).
func (r *refusals) note(rk string, limits []ratelimit.Limit, cost int, at int64, d *ratelimit.Decision) {
	if r.per == 0 || cost <= 0 {
		return
	}
	if d.Allowed {
		r.forgetAsked(rk, at)
		return
	}
	if d.RetryAfter <= 0 {
		return
	}
	bind := slices.Index(limits, d.Limit)
	if bind < 0 {
		return
	}
	e := refusal{limits: slices.Clone(limits), bind: bind, free: at + int64(d.RetryAfter) - int64(cost)*int64(d.Limit.Interval()), asked: at}
	sh := r.shard(rk)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old, ok := sh.m[rk]; ok && (old.refund && old.asked > at || !old.refund && slices.Equal(old.limits, limits) && old.free >= e.free) {
		return
	}
	if sh.m == nil {
		sh.m = make(map[string]refusal)
	}
	if _, ok := sh.m[rk]; !ok && len(sh.m) >= r.per {
		now := r.now()
		for k, v := range sh.m {
			if v.refund {
				delete(sh.m, k)
				continue
			}
			l := v.limits[v.bind]
			if v.free+int64(l.Interval())*int64(l.Capacity()) <= now {
				delete(sh.m, k)
			}
		}
		for k := range sh.m {
			if len(sh.m) < r.per {
				break
			}
			delete(sh.m, k)
		}
	}
	sh.m[rk] = e
}

// forget drops rk's entry: its bucket may refuse less from now on.
func (r *refusals) forget(rk string) {
	if r.per == 0 {
		return
	}
	sh := r.shard(rk)
	sh.mu.Lock()
	delete(sh.m, rk)
	sh.mu.Unlock()
}

// refunded drops rk's refusal before a refund queued at instant at is
// sent, and remembers at, so that the refusal of a take queued before the
// refund, whose reply comes after it, is not kept.
func (r *refusals) refunded(rk string, at int64) {
	if r.per == 0 {
		return
	}
	sh := r.shard(rk)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[rk]; !ok && len(sh.m) >= r.per {
		return // full: no room to remember the refund; a late refusal may then be kept until its wait ends
	}
	if sh.m == nil {
		sh.m = make(map[string]refusal)
	}
	sh.m[rk] = refusal{asked: at, refund: true}
}

// forgetAsked drops rk's entry unless its refusal was asked after at.
func (r *refusals) forgetAsked(rk string, at int64) {
	sh := r.shard(rk)
	sh.mu.Lock()
	if e, ok := sh.m[rk]; ok && e.asked <= at {
		delete(sh.m, rk)
	}
	sh.mu.Unlock()
}
