package redisstore

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

// BenchmarkTake measures one decision against a local redis-server: on one
// hot key and across 100,000 keys, serial and parallel, with one limit and
// with two, through a client that bounds its I/O by the context and through
// one that does not (where the store guards the timeout itself). It reports
// round trips per decision: the script calls Redis counted (EVALSHA and
// EVAL), per decision; TestOneRoundTrip shows the client sends nothing
// else.
func BenchmarkTake(b *testing.B) {
	srv, admin := startRedis(b)
	one := []ratelimit.Limit{{Events: 1_000_000, Period: time.Second}}
	two := []ratelimit.Limit{{Events: 1_000_000, Period: time.Second}, {Events: 1_000_000_000, Period: time.Hour}}
	keys := make([]string, 100_000)
	for i := range keys {
		keys[i] = "client:" + strconv.Itoa(i)
	}
	cases := []struct {
		name     string
		bounded  bool
		limits   []ratelimit.Limit
		keys     []string
		parallel bool
	}{
		{"serial/hot-key", true, one, keys[:1], false},
		{"serial/100k-keys", true, one, keys, false},
		{"serial/two-limits", true, two, keys, false},
		{"serial/unbounded-client", false, one, keys, false},
		{"parallel/hot-key", true, one, keys[:1], true},
		{"parallel/100k-keys", true, one, keys, true},
		{"parallel/two-limits", true, two, keys, true},
		{"parallel/unbounded-client", false, one, keys, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			client := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: tc.bounded, PoolSize: 64})
			defer client.Close()
			s := New(client, WithTimeout(time.Second))
			ctx := context.Background()
			if _, err := s.Take(ctx, "warm", tc.limits, 1); err != nil {
				b.Fatal(err)
			}
			calls := scriptCalls(b, admin)
			var next atomic.Uint64
			b.ReportAllocs()
			b.ResetTimer()
			if tc.parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := next.Add(1)
						if _, err := s.Take(ctx, tc.keys[i%uint64(len(tc.keys))], tc.limits, 1); err != nil {
							b.Error(err)
							return
						}
					}
				})
			} else {
				for i := 0; b.Loop(); i++ {
					if _, err := s.Take(ctx, tc.keys[i%len(tc.keys)], tc.limits, 1); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(scriptCalls(b, admin)-calls)/float64(b.N), "round-trips/op")
		})
	}
}

// BenchmarkTakeDuringOutage measures a decision while Redis is down: the
// store answers at once, without asking it, with an error wrapping
// ratelimit.ErrUnavailable (the limiter's policy then decides).
func BenchmarkTakeDuringOutage(b *testing.B) {
	srv, _ := startRedis(b)
	limits := []ratelimit.Limit{{Events: 100, Period: time.Second}}
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	defer client.Close()
	log, _ := logger()
	s := New(client, WithLogger(log), WithRetryInterval(time.Hour))
	defer s.Close()
	srv.Stop()
	defer srv.Restart()
	ctx := context.Background()
	if _, err := s.Take(ctx, "k", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
		b.Fatalf("Take with Redis stopped: %v; want ErrUnavailable", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Take(ctx, "k", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
				b.Error(err)
				return
			}
		}
	})
}
