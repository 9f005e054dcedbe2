package redisstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
)

// commands is how many commands clients have sent Redis since its
// statistics were last reset: the store's round trips. INFO and CONFIG (the
// test's own) and the commands the store's scripts run inside Redis are
// not counted.
func commands(t *testing.T, c *redis.Client) int {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	inside := map[string]bool{"info": true, "config|resetstat": true, "hmget": true, "hset": true, "del": true, "pexpire": true, "pttl": true}
	n := 0
	for _, line := range strings.Split(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok || inside[strings.TrimPrefix(name, "cmdstat_")] {
			continue
		}
		calls, _, _ := strings.Cut(rest, ",")
		v, err := strconv.Atoi(calls)
		if err != nil {
			t.Fatalf("INFO commandstats: %q", line)
		}
		n += v
	}
	return n
}

// A first request costs two round trips (begin, finish), a replay one, a
// 409 or a 422 one: counted by Redis itself.
func TestRoundTrips(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	admin := newClient(t, srv.Addr())
	h := &machines{}
	api := instance(t, newClient(t, srv.Addr()), h)
	post(api, "warm", `{}`) // loads the scripts (EVALSHA, then EVAL once)
	reset := func() {
		if err := admin.ConfigResetStat(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, key, body string
		want            int
	}{
		{"first request", "k", `{"n":1}`, 2},
		{"replay", "k", `{"n":1}`, 1},
		{"another request with the key", "k", `{"n":2}`, 1},
	} {
		reset()
		post(api, tc.key, tc.body)
		if got := commands(t, admin); got != tc.want {
			t.Errorf("%s: %d round trips to Redis; want %d", tc.name, got, tc.want)
		}
	}
}
