package idempotency_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/middleware"
)

// A key held by an instance that stopped answering (its handler never
// returns here) is free once its lease runs out: another instance sharing
// the store runs the request then.
func TestLeaseOfADeadInstance(t *testing.T) {
	t.Parallel()
	store := idempotency.NewMemoryStore()
	const lease = 100 * time.Millisecond
	hung := &machines{release: make(chan struct{}), started: make(chan struct{})}
	dead := stack(errresp.Problem(), idempotency.New(store, idempotency.WithLease(lease)), hung)
	h := &machines{}
	alive := stack(errresp.Problem(), idempotency.New(store, idempotency.WithLease(lease)), h)
	done := make(chan struct{})
	go func() { defer close(done); post(t, dead, "k", `{}`) }()
	<-hung.started
	if w := post(t, alive, "k", `{}`); w.Code != 409 {
		t.Fatalf("while the lease holds: %d; want 409", w.Code)
	}
	time.Sleep(3 * lease)
	if w := post(t, alive, "k", `{}`); w.Code != 201 || h.runs.Load() != 1 {
		t.Errorf("after the lease: %d, %d runs on the live instance", w.Code, h.runs.Load())
	}
	close(hung.release)
	<-done
	// The late first request does not overwrite the response saved since.
	if w := post(t, alive, "k", `{}`); w.Header().Get(idempotency.ReplayHeader) != "true" || w.Body.String() != `{"id":1,"request":{}}` {
		t.Errorf("the replay after the late finish: %d %q", w.Code, w.Body)
	}
}

// A handler cut short by middleware.Timeout (mounted inside) answers 504,
// which a client retries: the key is released and the retry runs.
func TestTimeoutReleases(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if runs.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(201)
	})
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()),
		middleware.Timeout(50*time.Millisecond)(slow))
	if w := post(t, srv, "k", `{}`); w.Code != 504 {
		t.Fatalf("the timed-out request: %d", w.Code)
	}
	if w := post(t, srv, "k", `{}`); w.Code != 201 || runs.Load() != 2 {
		t.Errorf("the retry after a timeout: %d, %d runs", w.Code, runs.Load())
	}
}

// A request waiting for the first copy (WithWait) runs itself when the
// first ends in a failure that is not saved: it is the retry.
func TestWaitAfterARetriedFailure(t *testing.T) {
	t.Parallel()
	h := &machines{release: make(chan struct{}), started: make(chan struct{}, 2)}
	h.status.Store(503)
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithWait(time.Minute)), h)
	first := make(chan int)
	go func() { first <- post(t, srv, "k", `{}`).Code }()
	<-h.started
	second := make(chan int)
	go func() { second <- post(t, srv, "k", `{}`).Code }()
	close(h.release) // the first answers 503 and releases the key
	if c := <-first; c != 503 {
		t.Fatalf("the first: %d", c)
	}
	<-h.started
	if c := <-second; c != 503 || h.runs.Load() != 2 {
		t.Errorf("the waiting copy: %d after %d runs; want it run (503 again here)", c, h.runs.Load())
	}
}
