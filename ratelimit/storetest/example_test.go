package storetest_test

import (
	"fmt"
	"time"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// A store's tests run the table with a constructor that hands the store the
// table's clock:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
//			return ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))
//		})
//	}
//
// The clock the table drives starts at Epoch and moves only when told.
func ExampleClock() {
	var clock storetest.Clock
	store := ratelimit.NewMemoryStore(ratelimit.MemoryClock(clock.Now))
	limits := []ratelimit.Limit{{Events: 1, Period: time.Minute}}

	d, _ := store.TakeAt("k", limits, 1, clock.Now())
	fmt.Println(d.Allowed, d.ResetAfter)
	clock.Advance(45 * time.Second)
	d, _ = store.TakeAt("k", limits, 1, clock.Now())
	fmt.Println(d.Allowed, d.RetryAfter)
	// Output:
	// true 1m0s
	// false 15s
}
