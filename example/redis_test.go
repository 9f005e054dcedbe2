package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
)

// With -redis, two instances of the service share one limit: the 3-a-minute
// route allows three requests across both, and the buckets are in Redis.
func TestRedisSharedLimit(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	a := startServer(t, "-style", "gcore", "-redis", rs.Addr())
	b := startServer(t, "-style", "gcore", "-redis", rs.Addr())

	for i, s := range []*server{a, b, a} {
		resp, body := s.do(t, "GET", "/v1/limited", "", asAdmin...)
		s.ok(t, resp, body, 200, nil)
		if resp.Header.Get("X-RateLimit-Limit") != "3" {
			t.Errorf("request %d: X-RateLimit-Limit %q", i+1, resp.Header.Get("X-RateLimit-Limit"))
		}
	}
	resp, body := b.do(t, "GET", "/v1/limited", "", asAdmin...)
	checkRateLimited(t, b, resp, body, 3)

	client := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer client.Close()
	keys, err := client.Keys(context.Background(), "ratelimit:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Errorf("no rate-limit keys in Redis")
	}
	for _, k := range keys {
		if strings.Contains(k, keyAdmin) {
			t.Errorf("a Redis key holds the API key: %s", k)
		}
	}
}

// Bad flags stop the example at start-up with a message, not at the first
// request.
func TestBadFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown style", []string{"-style", "xml"}, `unknown style "xml"; choose one of problem, gpcn, devdocs, gcore, authpi`},
		{"no redis there", []string{"-redis", "127.0.0.1:1"}, "redis at 127.0.0.1:1"},
		{"address in use or invalid", []string{"-addr", "256.0.0.1:0"}, "listen tcp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(binary, c.args...).CombinedOutput()
			if err == nil {
				t.Fatalf("the example started with %v", c.args)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("output %q does not say %q", out, c.want)
			}
		})
	}
}
