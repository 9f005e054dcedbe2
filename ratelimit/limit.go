package ratelimit

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"time"
)

// MaxLimits is the most limits one Take may check for one key.
const MaxLimits = 8

// maxSpan bounds Capacity × Interval, the longest a bucket can take to fill,
// so that no arithmetic on instants overflows.
const maxSpan = 100 * 365 * 24 * time.Hour

// Validate reports whether l describes a usable bucket: Events and Period
// positive, an interval of at least a nanosecond, a non-negative Burst, a
// bucket that fills within a century, and a Name of printable ASCII.
func (l Limit) Validate() error {
	switch {
	case l.Events <= 0:
		return fmt.Errorf("limit %s: Events must be positive", l)
	case l.Period <= 0:
		return fmt.Errorf("limit %s: Period must be positive", l)
	case l.Burst < 0:
		return fmt.Errorf("limit %s: Burst must not be negative", l)
	case l.Interval() <= 0:
		return fmt.Errorf("limit %s: Period / Events is less than a nanosecond", l)
	case int64(l.Capacity()) > int64(maxSpan/l.Interval()):
		return fmt.Errorf("limit %s: the bucket takes more than a century to fill", l)
	}
	for i := 0; i < len(l.Name); i++ {
		if c := l.Name[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("limit %q: Name must be printable ASCII", l.Name)
		}
	}
	return nil
}

// String returns Name, or, when it is empty, a name derived from Events and
// Period such as "60-per-1m0s".
func (l Limit) String() string {
	if l.Name != "" {
		return l.Name
	}
	return strconv.Itoa(l.Events) + "-per-" + l.Period.String()
}

// Errors a store returns for arguments no request could make valid.
var (
	errBadCost      = errors.New("apierror/ratelimit: cost must not be negative")
	errTooManyLimit = fmt.Errorf("apierror/ratelimit: more than %d limits for one key", MaxLimits)
	errBadLimit     = errors.New("apierror/ratelimit: invalid limit (see Limit.Validate)")
)

// bucket is a limit in the units the algorithm uses: its interval and its
// capacity, both as int64.
type bucket struct{ t, b int64 }

// checkArgs is the cheap validation a store does on a Take; it fills p
// (len(p) >= len(limits), at most MaxLimits) with the limits' parameters.
func checkArgs(p []bucket, limits []Limit, cost int) error {
	if cost < 0 {
		return errBadCost
	}
	if len(limits) > MaxLimits {
		return errTooManyLimit
	}
	for i := range limits {
		t, b := int64(limits[i].Interval()), int64(limits[i].Capacity())
		if hi, lo := bits.Mul64(uint64(t), uint64(b)); t <= 0 || b <= 0 || hi != 0 || lo > math.MaxInt64/4 {
			return errBadLimit
		}
		p[i] = bucket{t, b}
	}
	return nil
}

// verdict is one limit's answer, before the binding one is chosen.
type verdict struct {
	refused   bool
	never     bool // cost exceeds the capacity: no wait makes it pass
	remaining int64
	reset     int64 // ns until the bucket is full
	retry     int64 // ns until the request would pass
}

// binds reports whether v describes the binding limit rather than w: a
// refusal over an allowance, then the longer wait (never being the longest),
// or for allowances the fewer requests left; ties go to the bucket that takes
// longer to fill, then to the earlier limit (w).
func (v verdict) binds(w verdict) bool {
	if v.refused != w.refused {
		return v.refused
	}
	if v.refused {
		if v.never != w.never {
			return v.never
		}
		if v.retry != w.retry {
			return v.retry > w.retry
		}
	} else if v.remaining != w.remaining {
		return v.remaining < w.remaining
	}
	return v.reset > w.reset
}

// judge is the generic cell rate algorithm for one limit: tat is the
// theoretical arrival time (the instant the bucket is full again, in ns on
// the store's time line), now the current instant. The bucket holds
// (Capacity×Interval − (tat−now)) / Interval tokens; a request of cost n
// passes when that is at least n. This is x/time/rate's token bucket, kept
// in integer nanoseconds so that every store computes the same answer.
func judge(p bucket, tat, now int64, cost int) verdict {
	t, b, n := p.t, p.b, int64(cost)
	tat = max(tat, now)
	if n > b {
		return verdict{refused: true, never: true, remaining: b - ceilDiv(tat-now, t), reset: tat - now}
	}
	next := tat + n*t
	if at := next - b*t; at > now {
		return verdict{refused: true, remaining: b - ceilDiv(tat-now, t), reset: tat - now, retry: at - now}
	}
	return verdict{remaining: b - ceilDiv(next-now, t), reset: next - now}
}

// decide judges cost against every limit, whose theoretical arrival times
// are tats (len(tats) >= len(limits)), and returns the decision. It changes
// nothing; commit takes the tokens.
func decide(p []bucket, limits []Limit, tats []int64, now int64, cost int) Decision {
	if len(limits) == 0 {
		return Decision{Allowed: true}
	}
	bind, bi := judge(p[0], tats[0], now, cost), 0
	for i := 1; i < len(limits); i++ {
		if v := judge(p[i], tats[i], now, cost); v.binds(bind) {
			bind, bi = v, i
		}
	}
	return bind.decision(limits[bi])
}

// decision is v as the Decision for limit l.
func (v verdict) decision(l Limit) Decision {
	d := Decision{Allowed: !v.refused, Limit: l, Remaining: int(v.remaining), ResetAfter: time.Duration(v.reset)}
	if v.refused && !v.never {
		d.RetryAfter = time.Duration(v.retry)
	}
	return d
}

// commit takes cost tokens from each of the first n limits' buckets and
// returns the instant at which all of the entry's buckets are full again.
func commit(p []bucket, n int, tats []int64, now int64, cost int) (fullAt int64) {
	for i := range n {
		tats[i] = max(tats[i], now) + int64(cost)*p[i].t
	}
	return maxOf(tats)
}

// refund gives cost tokens back to each of the first n limits' buckets and
// returns the instant at which all of the entry's buckets are full again.
func refund(p []bucket, n int, tats []int64, cost int) (fullAt int64) {
	for i := range min(n, len(tats)) {
		tats[i] -= int64(cost) * p[i].t
	}
	return maxOf(tats)
}

// maxOf is the latest of tats.
func maxOf(tats []int64) int64 {
	m := int64(math.MinInt64)
	for _, t := range tats {
		m = max(m, t)
	}
	return m
}

// ceilDiv is ⌈a/b⌉ for a >= 0, b > 0.
func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}
