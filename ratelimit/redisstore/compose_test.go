package redisstore

import (
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// TestLimiters runs ratelimit's middleware on Redis: stacked limiters
// compose, limiters built apart keep their buckets apart, and ByAPIKey
// keeps requests without its header apart. Each case has a key prefix of its
// own on one server.
func TestLimiters(t *testing.T) {
	t.Parallel()
	_, client := startRedis(t)
	storetest.RunLimiters(t, func(t *testing.T, now func() time.Time) ratelimit.Store {
		prefix := strings.NewReplacer("/", ":", " ", "_").Replace(t.Name()) + ":"
		return testStore(t, client, WithClock(now), WithPrefix(prefix))
	})
}
