package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/redisstore"
)

// unreachable returns the address of a loopback port nothing listens on, so
// the examples show what happens while Redis is down without needing one.
func unreachable() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// A service's instances share their buckets through one Redis. The store is
// a ratelimit.Store: hand it to every limiter, with names that tell their
// keys apart.
func Example() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{"localhost:6379"}, // one address, a Sentinel set, or Cluster nodes
		ContextTimeoutEnabled: true,
	})
	defer client.Close()
	store := redisstore.New(client,
		redisstore.WithPrefix("myservice:rl:"),
		redisstore.WithTimeout(50*time.Millisecond),
	)
	defer store.Close()

	search := ratelimit.PerMinute(60, ratelimit.WithStore(store), ratelimit.WithName("search"))
	_ = search // r.With(search).Get("/search", ...)
	fmt.Println("ready")
	// Output: ready
}

// With FailOpen, a request is allowed while Redis is away; the store logs
// the outage once.
func ExampleFailOpen() {
	client := redis.NewClient(&redis.Options{Addr: unreachable(), ContextTimeoutEnabled: true})
	defer client.Close()
	store := redisstore.New(client,
		redisstore.WithPolicy(redisstore.FailOpen),
		redisstore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	defer store.Close()

	limits := []ratelimit.Limit{{Events: 10, Period: time.Minute}}
	d, err := store.Take(context.Background(), "client-1", limits, 1)
	fmt.Printf("allowed=%v remaining=%d err=%v\n", d.Allowed, d.Remaining, err)
	// Output: allowed=true remaining=9 err=<nil>
}

// With FallBack (the default), each instance keeps limiting on its own, in
// memory, while Redis is away.
func ExampleFallBack() {
	client := redis.NewClient(&redis.Options{Addr: unreachable(), ContextTimeoutEnabled: true})
	defer client.Close()
	store := redisstore.New(client, redisstore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer store.Close()

	limits := []ratelimit.Limit{{Events: 2, Period: time.Hour}}
	for range 3 {
		d, err := store.Take(context.Background(), "client-1", limits, 1)
		fmt.Printf("allowed=%v remaining=%d err=%v\n", d.Allowed, d.Remaining, err)
	}
	// Output:
	// allowed=true remaining=1 err=<nil>
	// allowed=true remaining=0 err=<nil>
	// allowed=false remaining=0 err=<nil>
}

// With FailClosed, Take returns an error of kind Unavailable, which the
// ratelimit middleware answers with 503.
func ExampleFailClosed() {
	client := redis.NewClient(&redis.Options{Addr: unreachable(), ContextTimeoutEnabled: true})
	defer client.Close()
	store := redisstore.New(client,
		redisstore.WithPolicy(redisstore.FailClosed),
		redisstore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	defer store.Close()

	_, err := store.Take(context.Background(), "client-1", []ratelimit.Limit{{Events: 10, Period: time.Minute}}, 1)
	fmt.Println(errors.Is(err, &errresp.Error{Kind: errresp.Unavailable}), errresp.From(err).Status(errresp.Problem))
	// Output: true 503
}
