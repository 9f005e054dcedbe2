package redisstore

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

// TestSharedAcrossServers puts two limiters, each in its own http.Server
// with its own Redis client and store, in front of one Redis: 64 concurrent
// clients spread across both get exactly the allowed number of requests
// through, not one more.
func TestSharedAcrossServers(t *testing.T) {
	t.Parallel()
	srv, _ := startRedis(t)
	const allowed = 100
	limits := []ratelimit.Limit{{Events: allowed, Period: time.Hour, Name: "shared"}}

	var servers [2]*httptest.Server
	for i := range servers {
		store := testStore(t, newClient(t, srv.Addr(), true))
		t.Cleanup(func() { _ = store.Close() })
		// In one process the second limiter built here would get a default
		// name of its own; instances of a service, one a process, agree on
		// it, as the name given here makes these two do.
		h := ratelimit.New(limits, ratelimit.WithStore(store), ratelimit.WithName("shared"), ratelimit.WithStoreErrorPolicy(ratelimit.FailClosed))(
			http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
		servers[i] = httptest.NewServer(h)
		t.Cleanup(servers[i].Close)
	}

	const clients, each = 64, 5
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
		fails  []string
	)
	start := make(chan struct{})
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := range each {
				s := servers[(c+j)%2] // alternate, so each client uses both
				resp, err := s.Client().Get(s.URL)
				if err != nil {
					mu.Lock()
					fails = append(fails, err.Error())
					mu.Unlock()
					continue
				}
				problem := ""
				if resp.StatusCode == http.StatusTooManyRequests {
					e, err := errresp.Decode(resp)
					if err != nil || e.Kind != errresp.RateLimited || resp.Header.Get("Retry-After") == "" {
						problem = fmt.Sprintf("429 without a RateLimited envelope and Retry-After: %v, %+v", err, e)
					}
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				counts[resp.StatusCode]++
				if problem != "" {
					fails = append(fails, problem)
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(fails) > 0 {
		t.Fatalf("%d failures; first: %s", len(fails), fails[0])
	}
	if counts[http.StatusOK] != allowed || counts[http.StatusTooManyRequests] != clients*each-allowed {
		t.Fatalf("statuses %v; want exactly %d × 200 and %d × 429", counts, allowed, clients*each-allowed)
	}
}
