// Package storetest is the behaviour table every ratelimit.Store passes: a
// store written for another backend runs Run from its own tests and, when it
// passes, behaves exactly like the in-memory store for every client.
//
// The table drives a store on fixed instants through the clock it hands to
// newStore, so a store under test must take its time from that clock (a store
// whose production clock lives elsewhere, such as a server's, accepts an
// injected one for tests). Every case uses its own keys, derived from the
// test's name, so stores that share one backend do not see each other's
// buckets.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
//			return mystore.New(client, mystore.WithClock(now))
//		})
//	}
//
// The table covers: a burst and the refusal after it; refill, to the
// nanosecond, including intervals that are not whole milliseconds; cost,
// cost zero (a read) and cost above the capacity (never passes, RetryAfter
// 0, nothing taken); several limits at once, where a refusal takes nothing
// from any limit and the binding limit is chosen as Decision describes;
// independent keys; Peek, which judges a cost and takes nothing, and Refund,
// which gives an allowed Take's tokens back; 64 goroutines on one key at one instant, of which
// exactly the allowed number pass; and an idempotent Close.
package storetest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// Epoch is the instant every case starts at.
var Epoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Clock is a manual clock, safe for concurrent use. Its zero value reads
// Epoch.
type Clock struct {
	mu sync.Mutex
	d  time.Duration
}

// Now returns the clock's current instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Epoch.Add(c.d)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.d += d
}

// NewStoreFunc builds the store under test. The store must read the time
// from now and nothing else; t's cleanup may close it (Run closes it too).
type NewStoreFunc func(t *testing.T, now func() time.Time) ratelimit.Store

// open builds a store on a clock of its own at Epoch, closed when the test
// ends.
func open(t *testing.T, newStore NewStoreFunc) (*Clock, ratelimit.Store) {
	clock := new(Clock)
	s := newStore(t, clock.Now)
	t.Cleanup(func() { _ = s.Close() })
	return clock, s
}

// step is one request of a case: advance the clock, then take.
type step struct {
	advance time.Duration
	key     string // suffix of the case's key; "" is the default key
	limits  []ratelimit.Limit
	cost    int
	want    ratelimit.Decision
}

var (
	perMinute5 = ratelimit.Limit{Events: 60, Period: time.Minute, Burst: 5} // one token a second, bucket of 5
	tenPerSec  = ratelimit.Limit{Events: 10, Period: time.Second}           // one token each 100ms, bucket of 10
	oneBurst3  = ratelimit.Limit{Events: 1, Period: time.Second, Burst: 3}  // one token a second, bucket of 3
	threePerS  = ratelimit.Limit{Events: 3, Period: time.Second}            // interval 333333333ns
	burst2     = ratelimit.Limit{Events: 10, Period: time.Second, Burst: 2, Name: "burst"}
	daily3     = ratelimit.Limit{Events: 3, Period: 24 * time.Hour, Name: "daily"} // one token each 8h
	hourly100  = ratelimit.Limit{Events: 1, Period: time.Hour, Burst: 100}
	minute1000 = ratelimit.Limit{Events: 1000, Period: time.Minute}
	ls         = func(l ...ratelimit.Limit) []ratelimit.Limit { return l }
)

func allow(l ratelimit.Limit, remaining int, reset time.Duration) ratelimit.Decision {
	return ratelimit.Decision{Allowed: true, Limit: l, Remaining: remaining, ResetAfter: reset}
}

func refuse(l ratelimit.Limit, remaining int, reset, retry time.Duration) ratelimit.Decision {
	return ratelimit.Decision{Allowed: false, Limit: l, Remaining: remaining, ResetAfter: reset, RetryAfter: retry}
}

// cases is the behaviour table.
var cases = []struct {
	name  string
	steps []step
}{
	{"burst then refuse", []step{
		{0, "", ls(perMinute5), 1, allow(perMinute5, 4, 1*time.Second)},
		{0, "", ls(perMinute5), 1, allow(perMinute5, 3, 2*time.Second)},
		{0, "", ls(perMinute5), 1, allow(perMinute5, 2, 3*time.Second)},
		{0, "", ls(perMinute5), 1, allow(perMinute5, 1, 4*time.Second)},
		{0, "", ls(perMinute5), 1, allow(perMinute5, 0, 5*time.Second)},
		{0, "", ls(perMinute5), 1, refuse(perMinute5, 0, 5*time.Second, time.Second)},
		{0, "", ls(perMinute5), 1, refuse(perMinute5, 0, 5*time.Second, time.Second)},
	}},
	{"refill", []step{
		{0, "", ls(perMinute5), 5, allow(perMinute5, 0, 5*time.Second)},
		{time.Second, "", ls(perMinute5), 1, allow(perMinute5, 0, 5*time.Second)},
		{500 * time.Millisecond, "", ls(perMinute5), 1, refuse(perMinute5, 0, 4500*time.Millisecond, 500*time.Millisecond)},
		{499 * time.Millisecond, "", ls(perMinute5), 1, refuse(perMinute5, 0, 4001*time.Millisecond, time.Millisecond)},
		{time.Millisecond, "", ls(perMinute5), 1, allow(perMinute5, 0, 5*time.Second)},
		{2500 * time.Millisecond, "", ls(perMinute5), 1, allow(perMinute5, 1, 3500*time.Millisecond)},
		{time.Hour, "", ls(perMinute5), 1, allow(perMinute5, 4, time.Second)},
	}},
	{"idle bucket holds no more than its capacity", []step{
		{24 * time.Hour, "", ls(oneBurst3), 3, allow(oneBurst3, 0, 3*time.Second)},
		{0, "", ls(oneBurst3), 1, refuse(oneBurst3, 0, 3*time.Second, time.Second)},
	}},
	{"cost", []step{
		{0, "", ls(tenPerSec), 4, allow(tenPerSec, 6, 400*time.Millisecond)},
		{0, "", ls(tenPerSec), 4, allow(tenPerSec, 2, 800*time.Millisecond)},
		{0, "", ls(tenPerSec), 4, refuse(tenPerSec, 2, 800*time.Millisecond, 200*time.Millisecond)},
		{0, "", ls(tenPerSec), 2, allow(tenPerSec, 0, time.Second)},
		{200 * time.Millisecond, "", ls(tenPerSec), 4, refuse(tenPerSec, 2, 800*time.Millisecond, 200*time.Millisecond)},
		{200 * time.Millisecond, "", ls(tenPerSec), 4, allow(tenPerSec, 0, time.Second)},
	}},
	{"cost above capacity never passes and takes nothing", []step{
		{0, "", ls(oneBurst3), 4, refuse(oneBurst3, 3, 0, 0)},
		{time.Hour, "", ls(oneBurst3), 4, refuse(oneBurst3, 3, 0, 0)},
		{0, "", ls(oneBurst3), 3, allow(oneBurst3, 0, 3*time.Second)},
	}},
	{"cost zero reads without taking", []step{
		{0, "", ls(perMinute5), 0, allow(perMinute5, 5, 0)},
		{0, "", ls(perMinute5), 2, allow(perMinute5, 3, 2*time.Second)},
		{0, "", ls(perMinute5), 0, allow(perMinute5, 3, 2*time.Second)},
		{0, "", ls(perMinute5), 0, allow(perMinute5, 3, 2*time.Second)},
		{0, "", ls(perMinute5), 3, allow(perMinute5, 0, 5*time.Second)},
		{0, "", ls(perMinute5), 0, allow(perMinute5, 0, 5*time.Second)},
	}},
	{"interval that is not a whole millisecond", []step{
		{0, "", ls(threePerS), 1, allow(threePerS, 2, 333333333)},
		{0, "", ls(threePerS), 1, allow(threePerS, 1, 666666666)},
		{0, "", ls(threePerS), 1, allow(threePerS, 0, 999999999)},
		{0, "", ls(threePerS), 1, refuse(threePerS, 0, 999999999, 333333333)},
		{333333332, "", ls(threePerS), 1, refuse(threePerS, 0, 666666667, 1)},
		{1, "", ls(threePerS), 1, allow(threePerS, 0, 999999999)},
	}},
	{"keys are independent", []step{
		{0, "a", ls(oneBurst3), 3, allow(oneBurst3, 0, 3*time.Second)},
		{0, "a", ls(oneBurst3), 1, refuse(oneBurst3, 0, 3*time.Second, time.Second)},
		{0, "b", ls(oneBurst3), 1, allow(oneBurst3, 2, time.Second)},
		{0, "a", ls(oneBurst3), 1, refuse(oneBurst3, 0, 3*time.Second, time.Second)},
	}},
	{"several limits: a refusal takes nothing from any", []step{
		// The binding limit is the one with the fewest requests left.
		{0, "", ls(burst2, daily3), 1, allow(burst2, 1, 100*time.Millisecond)},
		{0, "", ls(burst2, daily3), 1, allow(burst2, 0, 200*time.Millisecond)},
		// The burst limit refuses; the daily one would allow, and keeps its token.
		{0, "", ls(burst2, daily3), 1, refuse(burst2, 0, 200*time.Millisecond, 100*time.Millisecond)},
		{0, "", ls(burst2, daily3), 1, refuse(burst2, 0, 200*time.Millisecond, 100*time.Millisecond)},
		// Both at 0 left: the one that takes longer to fill binds.
		{100 * time.Millisecond, "", ls(burst2, daily3), 1, allow(daily3, 0, 24*time.Hour-100*time.Millisecond)},
		// Now the daily limit refuses, for 8h less the time that passed.
		{time.Second, "", ls(burst2, daily3), 1, refuse(daily3, 0, 24*time.Hour-1100*time.Millisecond, 8*time.Hour-1100*time.Millisecond)},
		{8*time.Hour - 1100*time.Millisecond, "", ls(burst2, daily3), 1, allow(daily3, 0, 24*time.Hour)},
	}},
	{"several limits: the longest wait binds", []step{
		{0, "", ls(burst2, daily3), 2, allow(burst2, 0, 200*time.Millisecond)},
		{200 * time.Millisecond, "", ls(burst2, daily3), 1, allow(daily3, 0, 24*time.Hour-200*time.Millisecond)},
		// Burst: 100ms until 2 tokens; daily: 16h until 2 tokens.
		{0, "", ls(burst2, daily3), 2, refuse(daily3, 0, 24*time.Hour-200*time.Millisecond, 16*time.Hour-200*time.Millisecond)},
	}},
	{"order of limits does not change the answer", []step{
		{0, "", ls(daily3, burst2), 1, allow(burst2, 1, 100*time.Millisecond)},
		{0, "", ls(daily3, burst2), 1, allow(burst2, 0, 200*time.Millisecond)},
		{0, "", ls(daily3, burst2), 1, refuse(burst2, 0, 200*time.Millisecond, 100*time.Millisecond)},
	}},
}

// Operations of the composition table.
const (
	take = iota
	peek
	refund
)

// opStep is one request of a composition case: advance the clock, then
// take, peek or refund.
type opStep struct {
	op      int
	advance time.Duration
	limits  []ratelimit.Limit
	cost    int
	want    ratelimit.Decision // for take and peek
}

// composeCases is the table of Peek and Refund, which let limiters mounted
// apart compose.
var composeCases = []struct {
	name  string
	steps []opStep
}{
	{"peek judges the cost and takes nothing", []opStep{
		{peek, 0, ls(perMinute5), 3, allow(perMinute5, 2, 3*time.Second)},
		{take, 0, ls(perMinute5), 4, allow(perMinute5, 1, 4*time.Second)},
		{peek, 0, ls(perMinute5), 2, refuse(perMinute5, 1, 4*time.Second, time.Second)},
		{peek, 0, ls(perMinute5), 1, allow(perMinute5, 0, 5*time.Second)},
		{peek, 0, ls(perMinute5), 6, refuse(perMinute5, 1, 4*time.Second, 0)},
		{take, 0, ls(perMinute5), 1, allow(perMinute5, 0, 5*time.Second)},
	}},
	{"peek on several limits names the binding one", []opStep{
		{take, 0, ls(burst2, daily3), 2, allow(burst2, 0, 200*time.Millisecond)},
		{peek, 200 * time.Millisecond, ls(burst2, daily3), 2, refuse(daily3, 1, 16*time.Hour-200*time.Millisecond, 8*time.Hour-200*time.Millisecond)},
		{take, 0, ls(burst2, daily3), 1, allow(daily3, 0, 24*time.Hour-200*time.Millisecond)},
	}},
	{"refund at the instant of the take restores the buckets", []opStep{
		{take, 0, ls(burst2, daily3), 1, allow(burst2, 1, 100*time.Millisecond)},
		{take, 0, ls(burst2, daily3), 1, allow(burst2, 0, 200*time.Millisecond)},
		{refund, 0, ls(burst2, daily3), 1, ratelimit.Decision{}},
		{take, 0, ls(burst2, daily3), 1, allow(burst2, 0, 200*time.Millisecond)},
		{refund, 0, ls(burst2, daily3), 1, ratelimit.Decision{}},
		{refund, 0, ls(burst2, daily3), 1, ratelimit.Decision{}},
		{take, 0, ls(burst2, daily3), 1, allow(burst2, 1, 100*time.Millisecond)},
	}},
	{"refund later gives back only what a bucket can hold", []opStep{
		{take, 0, ls(oneBurst3), 2, allow(oneBurst3, 1, 2*time.Second)},
		{refund, 1500 * time.Millisecond, ls(oneBurst3), 2, ratelimit.Decision{}},
		{take, 0, ls(oneBurst3), 3, allow(oneBurst3, 0, 3*time.Second)},
		{take, 0, ls(oneBurst3), 1, refuse(oneBurst3, 0, 3*time.Second, time.Second)},
	}},
	{"refund of a key never taken changes nothing", []opStep{
		{refund, 0, ls(oneBurst3), 3, ratelimit.Decision{}},
		{take, 0, ls(oneBurst3), 3, allow(oneBurst3, 0, 3*time.Second)},
		{take, 0, ls(oneBurst3), 1, refuse(oneBurst3, 0, 3*time.Second, time.Second)},
	}},
}

// Run runs the behaviour table against the stores newStore builds, one
// store per case.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock, s := open(t, newStore)
			base := keyFor(t)
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				got, err := s.Take(context.Background(), base+st.key, st.limits, st.cost)
				if err != nil {
					t.Fatalf("step %d: Take: %v", i, err)
				}
				if got != st.want {
					t.Fatalf("step %d (key %q, cost %d, at +%v):\n got %s\nwant %s",
						i, st.key, st.cost, clock.Now().Sub(Epoch), format(got), format(st.want))
				}
			}
		})
	}
	for _, tc := range composeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock, s := open(t, newStore)
			key := keyFor(t)
			ctx := context.Background()
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				var (
					got ratelimit.Decision
					err error
				)
				switch st.op {
				case take:
					got, err = s.Take(ctx, key, st.limits, st.cost)
				case peek:
					got, err = s.Peek(ctx, key, st.limits, st.cost)
				case refund:
					err = s.Refund(ctx, key, st.limits, st.cost)
				}
				if err != nil {
					t.Fatalf("step %d (op %d): %v", i, st.op, err)
				}
				if got != st.want {
					t.Fatalf("step %d (op %d, cost %d, at +%v):\n got %s\nwant %s",
						i, st.op, st.cost, clock.Now().Sub(Epoch), format(got), format(st.want))
				}
			}
		})
	}
	t.Run("concurrent requests on one key", func(t *testing.T) {
		t.Parallel()
		runConcurrent(t, newStore, ls(hourly100), 1, 100)
	})
	t.Run("concurrent requests with cost and two limits", func(t *testing.T) {
		t.Parallel()
		runConcurrent(t, newStore, ls(minute1000, hourly100), 3, 33)
	})
	t.Run("close is idempotent", func(t *testing.T) {
		t.Parallel()
		var clock Clock
		s := newStore(t, clock.Now)
		if err := s.Close(); err != nil {
			t.Fatalf("first Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
}

// runConcurrent has 64 goroutines take from one key at one instant, more
// often than the bucket allows, and checks that exactly want pass, each
// seeing a distinct Remaining.
func runConcurrent(t *testing.T, newStore NewStoreFunc, limits []ratelimit.Limit, cost, want int) {
	const goroutines, each = 64, 8
	_, s := open(t, newStore)
	key := keyFor(t)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		remaining []int
		errs      []error
	)
	start := make(chan struct{})
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range each {
				d, err := s.Take(context.Background(), key, limits, cost)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if d.Allowed {
					remaining = append(remaining, d.Remaining)
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d Take calls failed; first: %v", len(errs), errs[0])
	}
	if len(remaining) != want {
		t.Fatalf("%d of %d requests passed, want exactly %d", len(remaining), goroutines*each, want)
	}
	// Each passing request saw the bucket one cost lower than the one
	// before it: the remaining counts are distinct and complete.
	sort.Ints(remaining)
	capacity := limits[len(limits)-1].Capacity()
	for i, r := range remaining {
		if w := capacity - (want-i)*cost; r != w {
			t.Fatalf("sorted remaining[%d] = %d, want %d (all: %v)", i, r, w, remaining)
		}
	}
}

// keyFor gives each test its own key, so stores sharing a backend do not
// collide.
func keyFor(t *testing.T) string { return "storetest:" + t.Name() + ":" }

func format(d ratelimit.Decision) string {
	return fmt.Sprintf("{Allowed:%v Limit:%+v Remaining:%d ResetAfter:%v RetryAfter:%v}",
		d.Allowed, d.Limit, d.Remaining, d.ResetAfter, d.RetryAfter)
}
