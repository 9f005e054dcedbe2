package ratelimit_test

import (
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
		return ratelimit.NewMemoryStore(ratelimit.MemoryClock(now))
	})
}
