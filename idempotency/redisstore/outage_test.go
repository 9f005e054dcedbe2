package redisstore_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/internal/redistest"
)

// hang bounds every wait of these tests: far past the store's timeouts, so
// reaching it means something hung, never that the host was slow.
const hang = 20 * time.Second

// outage is a Redis, two instances of a service sharing it with short
// timeouts, and the handler behind both.
type outage struct {
	srv  *redistest.Server
	h    *machines
	a, b http.Handler
}

func newOutage(t *testing.T, gated bool) *outage {
	srv := redistest.Start(t, durable...)
	o := &outage{srv: srv, h: &machines{}}
	if gated {
		o.h.started, o.h.gate = make(chan struct{}, 1), make(chan struct{})
	}
	opts := []idempotency.Option{idempotency.WithStoreTimeout(300 * time.Millisecond)}
	o.a = instance(t, newClient(t, srv.Addr()), o.h, opts...)
	o.b = instance(t, newClient(t, srv.Addr()), o.h, opts...)
	return o
}

// send posts the test's request to h and fails the test if no answer comes
// before hang.
func send(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- post(h, "k", `{"name":"vm"}`) }()
	select {
	case w := <-done:
		return w
	case <-time.After(hang):
		t.Fatal("no answer: the request hung on the store")
		return nil
	}
}

const firstBody = `{"id":1,"request":{"name":"vm"}}`

func isReplay(w *httptest.ResponseRecorder) bool {
	return w.Code == 201 && w.Body.String() == firstBody && w.Header().Get(idempotency.ReplayHeader) == "true"
}

func wantFailClosed(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("%s: %d %q; want 503 with Retry-After", what, w.Code, w.Body)
	}
}

// untilReplayed sends the request to h until it is replayed; every answer
// before must be a 409 or a 503, never a run.
func (o *outage) untilReplayed(t *testing.T, h http.Handler) {
	t.Helper()
	deadline := time.Now().Add(hang)
	for {
		w := send(t, h)
		switch {
		case isReplay(w):
			return
		case w.Code != 409 && w.Code != 503:
			t.Fatalf("after Redis returned: %d %q", w.Code, w.Body)
		case time.Now().After(deadline):
			t.Fatalf("no replay %v after Redis returned; last %d", hang, w.Code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// firstRequestDuringOutage runs the first request, takes Redis away while
// the handler runs, and brings it back: the first answer comes, the
// instance that ran it replays it while Redis is away, the other fails
// closed, and once Redis is back both replay it; the handler ran once.
func firstRequestDuringOutage(t *testing.T, away func(*redistest.Server), back func(*redistest.Server)) {
	o := newOutage(t, true)
	first := make(chan *httptest.ResponseRecorder, 1)
	go func() { first <- send(t, o.a) }()
	<-o.h.started
	away(o.srv)
	close(o.h.gate)
	if w := <-first; w.Code != 201 || w.Body.String() != firstBody {
		t.Fatalf("the first request: %d %q", w.Code, w.Body)
	}
	if w := send(t, o.a); !isReplay(w) {
		t.Errorf("the instance that ran it, while Redis is away: %d %q; want the replay", w.Code, w.Body)
	}
	wantFailClosed(t, "the other instance, while Redis is away", send(t, o.b))
	back(o.srv)
	o.untilReplayed(t, o.b)
	if w := send(t, o.a); !isReplay(w) {
		t.Errorf("after Redis returned: %d", w.Code)
	}
	if n := o.h.runs.Load(); n != 1 {
		t.Errorf("the handler ran %d times; want 1", n)
	}
}

func TestFrozenDuringFirstRequest(t *testing.T) {
	t.Parallel()
	firstRequestDuringOutage(t, (*redistest.Server).Freeze, (*redistest.Server).Thaw)
}

func TestKilledDuringFirstRequest(t *testing.T) {
	t.Parallel()
	firstRequestDuringOutage(t, (*redistest.Server).Stop, (*redistest.Server).Restart)
}

// replayDuringOutage saves a response, takes Redis away and brings it back:
// retries fail closed (or run, with WithFailOpen) while it is away, and are
// replayed once it is back.
func replayDuringOutage(t *testing.T, away func(*redistest.Server), back func(*redistest.Server)) {
	o := newOutage(t, false)
	if w := send(t, o.a); w.Code != 201 {
		t.Fatalf("the first request: %d", w.Code)
	}
	away(o.srv)
	wantFailClosed(t, "a retry while Redis is away", send(t, o.a))
	wantFailClosed(t, "a retry on the other instance", send(t, o.b))
	if n := o.h.runs.Load(); n != 1 {
		t.Errorf("the handler ran %d times while Redis was away; want 1", n)
	}
	back(o.srv)
	o.untilReplayed(t, o.b)
	o.untilReplayed(t, o.a)
	if n := o.h.runs.Load(); n != 1 {
		t.Errorf("the handler ran %d times; want 1", n)
	}
}

func TestFrozenDuringReplay(t *testing.T) {
	t.Parallel()
	replayDuringOutage(t, (*redistest.Server).Freeze, (*redistest.Server).Thaw)
}

func TestKilledDuringReplay(t *testing.T) {
	t.Parallel()
	replayDuringOutage(t, (*redistest.Server).Stop, (*redistest.Server).Restart)
}

// With WithFailOpen a retry while Redis is away runs as if it had no key:
// the policy a service chooses when availability matters more.
func TestFailOpen(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	h := &machines{}
	open := instance(t, newClient(t, srv.Addr()), h, idempotency.WithFailOpen(), idempotency.WithStoreTimeout(300*time.Millisecond))
	send(t, open)
	srv.Freeze()
	defer srv.Thaw()
	if w := send(t, open); w.Code != 201 || h.runs.Load() != 2 {
		t.Errorf("fail open while Redis is frozen: %d, %d runs", w.Code, h.runs.Load())
	}
}
