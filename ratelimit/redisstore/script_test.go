package redisstore

import (
	"testing"
	"time"

	"github.com/apierror/apierror/ratelimit"
)

// TestLoadScripts: the first NOSCRIPT loads every script of the store, so
// that the first refund (here after Redis flushed its scripts) runs by
// its SHA-1 at once instead of being refused and sent again.
func TestLoadScripts(t *testing.T) {
	t.Parallel()
	srv, admin := startRedis(t)
	s := testStore(t, newClient(t, srv.Addr(), true))
	limits := []ratelimit.Limit{{Events: 3, Period: time.Minute}}
	for range 2 { // the second round after SCRIPT FLUSH, as after a restart
		if err := admin.ScriptFlush(t.Context()).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Take(t.Context(), "k", limits, 1); err != nil {
			t.Fatal(err)
		}
		for _, sc := range []script{gcra1, gcra, refund1, refund} {
			ok, err := admin.ScriptExists(t.Context(), sc.sha.(string)).Result()
			if err != nil || len(ok) != 1 || !ok[0] {
				t.Fatalf("script %s after the first NOSCRIPT: loaded %v, %v; want loaded", sc.sha, ok, err)
			}
		}
		if err := s.Refund(t.Context(), "k", limits, 1); err != nil {
			t.Fatal(err)
		}
	}
}
