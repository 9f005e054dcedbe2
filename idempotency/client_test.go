package idempotency_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
)

// dropFirst is a proxy that forwards every request to backend and, for the
// first, reads the whole response (so the server has committed it) and
// then drops the connection without answering, as a network that fails on
// the way back.
type dropFirst struct {
	backend http.Handler
	mu      sync.Mutex
	n       int
	dropped []byte // the body of the response it dropped
}

func (p *dropFirst) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	p.backend.ServeHTTP(rec, r)
	p.mu.Lock()
	p.n++
	first := p.n == 1
	if first {
		p.dropped = bytes.Clone(rec.Body.Bytes())
	}
	p.mu.Unlock()
	if first {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// The response to a create is lost after the server committed it; the
// client retries with the key it generated; one machine exists and the
// retry's body is the first response's.
func TestLostResponseRetried(t *testing.T) {
	t.Parallel()
	h := &machines{}
	proxy := &dropFirst{backend: stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	clock := clienttest.NewClock(time.Unix(0, 0))
	c := client.New(client.WithIdempotencyKeys(), client.WithClock(clock.Now), client.WithSleep(clock.Sleep),
		client.WithLogger(slog.New(slog.DiscardHandler)))
	resp, err := c.Post(srv.URL+"/v1/vms", "application/json", bytes.NewReader([]byte(`{"name":"web-1"}`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if h.runs.Load() != 1 {
		t.Errorf("%d machines were created; want 1", h.runs.Load())
	}
	if resp.StatusCode != 201 || !bytes.Equal(body, proxy.dropped) || resp.Header.Get(idempotency.ReplayHeader) != "true" {
		t.Errorf("the retry got %d %q (replayed %q); the dropped first response was %q",
			resp.StatusCode, body, resp.Header.Get(idempotency.ReplayHeader), proxy.dropped)
	}
	if proxy.n != 2 {
		t.Errorf("the proxy saw %d requests; want the first and one retry", proxy.n)
	}
}
