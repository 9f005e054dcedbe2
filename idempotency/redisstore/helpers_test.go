package redisstore_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/redisstore"
	"github.com/apierror/apierror/middleware"
)

// durable is the configuration of a Redis a service relies on for
// idempotency: every write on disk before it is answered, so that a
// restart loses no key.
var durable = []string{"--appendonly", "yes", "--appendfsync", "always"}

func newClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, DisableIdentity: true, Protocol: 2})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newClusterClient(t testing.TB, addrs []string) *redis.ClusterClient {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true, DisableIdentity: true, Protocol: 2})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newStore(t testing.TB, c redis.UniversalClient, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	opts = append([]redisstore.Option{redisstore.WithLogger(slog.New(slog.DiscardHandler)),
		redisstore.WithRetryInterval(50 * time.Millisecond)}, opts...)
	s := redisstore.New(c, opts...)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// machines counts the machines a create handler made; gate, when set, is
// waited for by each run after it has counted.
type machines struct {
	runs    atomic.Int64
	started chan struct{}
	gate    chan struct{}
}

func (h *machines) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := h.runs.Add(1)
	if h.started != nil {
		h.started <- struct{}{}
	}
	if h.gate != nil {
		<-h.gate
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"id":`+strconv.FormatInt(n, 10)+`,"request":`+string(body)+`}`)
}

// instance is one instance of a service: its own store on its own client.
func instance(t testing.TB, c redis.UniversalClient, h http.Handler, opts ...idempotency.Option) http.Handler {
	opts = append([]idempotency.Option{idempotency.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	mw := idempotency.New(newStore(t, c), opts...)
	return middleware.RequestID()(middleware.Style(errresp.Problem())(mw(h)))
}

func post(h http.Handler, key, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/vms", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Idempotency-Key", key)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
