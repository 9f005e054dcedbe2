// Command example is a small virtual-machine API that shows every failure the
// apierror library handles, in the envelope style of your choice:
//
//	go run ./example                  # RFC 9457 problem details on 127.0.0.1:8080
//	go run ./example -style gpcn      # or devdocs, gcore, authpi
//	go run ./example -redis 127.0.0.1:6379
//
// It prints where it listens, the demo credentials and a few curl lines to try,
// and stops cleanly on SIGINT or SIGTERM: requests in flight get -grace (5 s)
// to finish, then the connections still open (slow clients) are cut. GET /errors lists every error the
// active style answers with (an HTML page in a browser); the type of every
// problem-details response is a link to its entry on GET /errors/problem;
// GET /openapi.json describes the API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	idemredis "github.com/apierror/apierror/idempotency/redisstore"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/redisstore"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	style := flag.String("style", "problem", "envelope style: "+styleNames())
	redisAddr := flag.String("redis", "", "Redis address for the rate-limit store (empty: in memory)")
	publicURL := flag.String("url", "", "the service's URL as clients reach it, which problem types lead to (empty: http:// and the listening address)")
	grace := flag.Duration("grace", 5*time.Second, "on SIGINT or SIGTERM, how long requests in flight may take before their connections are cut")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *addr, *publicURL, *style, *redisAddr, *grace); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

// The server's limits on a client's time. ReadHeaderTimeout and ReadTimeout
// bound a client sending its request slowly (headers, then body; a route's
// Timeout cuts its body sooner), WriteTimeout one reading the answer slowly,
// IdleTimeout a kept-alive connection left unused.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = time.Minute
)

// run serves the demo API until ctx ends, then shuts down: requests in
// flight get grace to finish, and the connections still open after it
// (clients that send or read slowly) are cut.
func run(ctx context.Context, out io.Writer, addr, publicURL, styleName, redisAddr string, grace time.Duration) error {
	style, ok := errresp.StyleNamed(styleName)
	if !ok {
		return fmt.Errorf("unknown style %q; choose one of %s", styleName, styleNames())
	}
	store, idem, storeName, err := openStore(ctx, redisAddr)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := newService(style, store)
	if idem != nil {
		svc.idem = idem // closed with store
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	publicURL = strings.TrimSuffix(publicURL, "/")
	srv := &http.Server{
		Handler:           svc.referTo(publicURL).routes(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
	}
	printBanner(out, ln.Addr().String(), style.Name, storeName)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	cut := ""
	if err := srv.Shutdown(shutdown); errors.Is(err, context.DeadlineExceeded) {
		// Requests still in flight after the grace period: cut them.
		if err := srv.Close(); err != nil {
			return err
		}
		cut = " (connections still open after " + grace.String() + " were cut)"
	} else if err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(out, "stopped"+cut)
	return nil
}

// openStore returns the rate-limit store every limiter of the service shares
// and, on Redis, the store of Idempotency-Key records beside it (nil: the
// service's own memory store): Redis when addr is set (checked with a PING,
// so a typo fails at start-up), else memory.
func openStore(ctx context.Context, addr string) (ratelimit.Store, idempotency.Store, string, error) {
	if addr == "" {
		return ratelimit.NewMemoryStore(), nil, "memory", nil
	}
	client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	ping, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := client.Ping(ping).Err(); err != nil {
		client.Close()
		return nil, nil, "", fmt.Errorf("redis at %s: %w", addr, err)
	}
	idem := idemredis.New(client, idemredis.WithLogger(slog.Default()))
	return &closeBoth{redisstore.New(client, redisstore.WithLogger(slog.Default())), idem, client}, idem, "redis at " + addr, nil
}

// closeBoth is the Redis stores together with the client they share.
type closeBoth struct {
	*redisstore.Store
	idem   *idemredis.Store
	client *redis.Client
}

func (c *closeBoth) Close() error {
	return errors.Join(c.Store.Close(), c.idem.Close(), c.client.Close())
}

func styleNames() string {
	var names []string
	for _, s := range errresp.Styles() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

func printBanner(out io.Writer, addr, style, store string) {
	base := "http://" + addr
	fmt.Fprintf(out, `apierror example listening on %s
style: %s (choose with -style: %s)
rate-limit store: %s

demo credentials:
  API keys, sent as X-API-Key: K, Authorization: Bearer K or Authorization: APIKey K:
    %-18s read and write
    %-18s read only
    %-18s expired
    %-18s revoked
  sign-in: POST /auth/sign-in/email {"email":%q,"password":%q},
           then POST /auth/two-factor/verify-totp {"code":%q} with the cookie it sets

try:
  curl -i %s/v1/vms
  curl -i -H 'X-API-Key: demo_reader_7f3a9c1e5b2d40688acd' -X DELETE %s/v1/vms/%s
  curl -i -H 'X-API-Key: demo_admin_7f3a9c1e5b2d40688acd1' -H 'Content-Type: application/json' -d '{"name":"Web_1","size":0}' %s/v1/vms
the error reference of this style: %s/errors (open it in a browser)
`, base, style, styleNames(), store,
		keyAdmin, keyReader, keyExpired, keyRevoked, demoEmail, demoPassword, demoOTP,
		base, base, sampleID, base, base)
}
