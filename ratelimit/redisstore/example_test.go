package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
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

// While Redis is away the store decides nothing: Take fails at once with an
// error wrapping ratelimit.ErrUnavailable (after the first, which waits at
// most the timeout), and the limiter's policy answers. The store probes
// Redis in the background and uses it again as soon as it is back.
func ExampleStore_Take_unavailable() {
	client := redis.NewClient(&redis.Options{Addr: unreachable(), ContextTimeoutEnabled: true})
	defer client.Close()
	store := redisstore.New(client, redisstore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer store.Close()

	_, err := store.Take(context.Background(), "client-1", []ratelimit.Limit{{Events: 10, Period: time.Minute}}, 1)
	fmt.Println(errors.Is(err, ratelimit.ErrUnavailable))
	// Output: true
}

// The limiter alone chooses what a request gets while the store is
// unavailable: here, a 503 envelope instead of the default fallback to
// memory.
func ExampleStore_failClosed() {
	client := redis.NewClient(&redis.Options{Addr: unreachable(), ContextTimeoutEnabled: true})
	defer client.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := redisstore.New(client, redisstore.WithLogger(quiet))
	defer store.Close()

	h := ratelimit.PerMinute(10, ratelimit.WithStore(store), ratelimit.WithName("orders"), ratelimit.WithStoreErrorPolicy(ratelimit.FailClosed), ratelimit.WithLogger(quiet))(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Println(w.Code, errresp.DecodeBody(w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()).Kind == errresp.Unavailable)
	// Output: 503 true
}
