package idempotency_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/principal"
)

func TestReplayByteForByte(t *testing.T) {
	t.Parallel()
	h := &machines{}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)
	first := post(t, srv, `"k-1"`, `{"name":"a"}`)
	again := post(t, srv, `"k-1"`, `{"name":"a"}`)
	if h.runs.Load() != 1 {
		t.Fatalf("the handler ran %d times; want 1", h.runs.Load())
	}
	if first.Code != 201 || again.Code != 201 || first.Body.String() != again.Body.String() {
		t.Fatalf("first %d %q, replay %d %q", first.Code, first.Body, again.Code, again.Body)
	}
	if again.Header().Get("Location") != first.Header().Get("Location") || again.Header().Get("Content-Type") != "application/json" {
		t.Errorf("replayed headers %v; first %v", again.Header(), first.Header())
	}
	if first.Header().Get(idempotency.ReplayHeader) != "" || again.Header().Get(idempotency.ReplayHeader) != "true" {
		t.Errorf("replay header: first %q, replay %q", first.Header().Get(idempotency.ReplayHeader), again.Header().Get(idempotency.ReplayHeader))
	}
	if first.Header().Get("Set-Cookie") == "" || again.Header().Get("Set-Cookie") != "" {
		t.Errorf("Set-Cookie: first %q, replay %q; a replay never carries it", first.Header().Get("Set-Cookie"), again.Header().Get("Set-Cookie"))
	}
	id1, id2 := first.Header().Get("X-Request-Id"), again.Header().Get("X-Request-Id")
	if id1 == "" || id2 == "" || id1 == id2 || again.Header().Get(idempotency.OriginalRequestIDHeader) != id1 {
		t.Errorf("request ids: first %q, replay %q, original %q", id1, id2, again.Header().Get(idempotency.OriginalRequestIDHeader))
	}
	// The bare token form is the same key.
	if bare := post(t, srv, `k-1`, `{"name":"a"}`); bare.Header().Get(idempotency.ReplayHeader) != "true" || h.runs.Load() != 1 {
		t.Errorf("the bare key k-1 is not the key \"k-1\": %d, runs %d", bare.Code, h.runs.Load())
	}
}

func TestWithoutKey(t *testing.T) {
	t.Parallel()
	h := &machines{}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)
	post(t, srv, "", `{}`)
	post(t, srv, "", `{}`)
	if h.runs.Load() != 2 {
		t.Errorf("without a key the handler ran %d times; want 2", h.runs.Load())
	}
	get := httptestGet(srv, "k")
	get2 := httptestGet(srv, "k")
	if h.runs.Load() != 4 || get.Header().Get(idempotency.ReplayHeader) != "" || get2.Header().Get(idempotency.ReplayHeader) != "" {
		t.Errorf("a GET with a key is not covered: runs %d", h.runs.Load())
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", idempotency.DefaultMaxKeyLength+1)
	for _, s := range errresp.Styles() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			h := &machines{release: make(chan struct{}), started: make(chan struct{})}
			mw := idempotency.New(idempotency.NewMemoryStore(), idempotency.WithRequired())
			srv := stack(s, mw, h)
			check := func(name string, w interface {
				Result() *http.Response
			}, kind errresp.Kind, status int) {
				t.Helper()
				resp := w.Result()
				e, err := errresp.Decode(resp)
				if resp.StatusCode != status || err != nil || e.Kind != kind {
					t.Errorf("%s: %d %v %v; want %d %s", name, resp.StatusCode, e, err, status, kind)
					return
				}
				if kind == errresp.IdempotencyKeyInvalid && !strings.Contains(e.Message, "Idempotency-Key") {
					t.Errorf("%s: the message %q does not name the header", name, e.Message)
				}
			}
			check("missing", post(t, srv, "", `{}`), errresp.IdempotencyKeyInvalid, 400)
			check("malformed", post(t, srv, `"unterminated`, `{}`), errresp.IdempotencyKeyInvalid, 400)
			check("empty", post(t, srv, `""`, `{}`), errresp.IdempotencyKeyInvalid, 400)
			check("too long", post(t, srv, long, `{}`), errresp.IdempotencyKeyInvalid, 400)
			done := make(chan struct{})
			go func() { defer close(done); post(t, srv, "k", `{"n":1}`) }()
			<-h.started
			busy := post(t, srv, "k", `{"n":1}`)
			check("in use", busy, errresp.IdempotencyKeyInUse, 409)
			if busy.Header().Get("Retry-After") != "1" {
				t.Errorf("in use: Retry-After %q", busy.Header().Get("Retry-After"))
			}
			check("reused while running", post(t, srv, "k", `{"n":2}`), errresp.IdempotencyKeyReused, 422)
			close(h.release)
			<-done
			check("reused", post(t, srv, "k", `{"n":2}`), errresp.IdempotencyKeyReused, 422)
			check("reused on another content type", post(t, srv, "k", `{"n":1}`, "Content-Type", "text/plain"), errresp.IdempotencyKeyReused, 422)
			if h.runs.Load() != 1 {
				t.Errorf("the handler ran %d times; want 1", h.runs.Load())
			}
		})
	}
}

// 100 identical requests at once with one key: the handler runs once, and
// every answer is its response or a 409.
func TestConcurrentOnce(t *testing.T) {
	t.Parallel()
	h := &machines{}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)
	var wg sync.WaitGroup
	codes := make([]int, 100)
	bodies := make([]string, 100)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := post(t, srv, "same", `{"name":"x"}`)
			codes[i], bodies[i] = w.Code, w.Body.String()
		}()
	}
	wg.Wait()
	if h.runs.Load() != 1 {
		t.Fatalf("the handler ran %d times; want 1", h.runs.Load())
	}
	want := `{"id":1,"request":{"name":"x"}}`
	for i, c := range codes {
		if !(c == 201 && bodies[i] == want) && c != 409 {
			t.Errorf("answer %d: %d %q", i, c, bodies[i])
		}
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	h := &machines{release: make(chan struct{}), started: make(chan struct{}, 1)}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithWait(time.Minute)), h)
	first := make(chan string)
	go func() { first <- post(t, srv, "k", `{}`).Body.String() }()
	<-h.started
	second := make(chan string)
	go func() {
		w := post(t, srv, "k", `{}`)
		second <- w.Header().Get(idempotency.ReplayHeader) + " " + w.Body.String()
	}()
	close(h.release)
	a, b := <-first, <-second
	if "true "+a != b || h.runs.Load() != 1 {
		t.Errorf("first %q, waiting second %q, runs %d", a, b, h.runs.Load())
	}
}

func TestScopedToCaller(t *testing.T) {
	t.Parallel()
	h := &machines{}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)
	as := func(id string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.ServeHTTP(w, principal.RequestWith(r, &principal.Principal{ID: id}))
		})
	}
	a := post(t, as("alice"), "k", `{}`)
	b := post(t, as("bob"), "k", `{}`)
	if h.runs.Load() != 2 || a.Body.String() == b.Body.String() || b.Header().Get(idempotency.ReplayHeader) != "" {
		t.Errorf("bob got alice's response: %q %q", a.Body, b.Body)
	}
	// Credentials scope too: the same key under two API keys.
	c := post(t, srv, "k2", `{}`, "X-API-Key", "one")
	d := post(t, srv, "k2", `{}`, "X-API-Key", "two")
	if h.runs.Load() != 4 || c.Body.String() == d.Body.String() {
		t.Errorf("two credentials share a key: %q %q", c.Body, d.Body)
	}
}

func TestRetriedResponsesAreNotSaved(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504, 429, 408} {
		h := &machines{}
		h.status.Store(int64(status))
		srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)
		post(t, srv, "k", `{}`)
		h.status.Store(201)
		if w := post(t, srv, "k", `{}`); w.Code != 201 || h.runs.Load() != 2 {
			t.Errorf("after a %d the retry got %d with %d runs; want a second run", status, w.Code, h.runs.Load())
		}
	}
	// A final failure is saved: a 409 of the handler's own is replayed.
	h := &machines{}
	h.status.Store(409)
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore()), h)
	post(t, srv, "k", `{}`)
	if w := post(t, srv, "k", `{}`); w.Code != 409 || w.Header().Get(idempotency.ReplayHeader) != "true" || h.runs.Load() != 1 {
		t.Errorf("a 409 of the handler's is not replayed: %d, %d runs", w.Code, h.runs.Load())
	}
}

func TestPanicReleases(t *testing.T) {
	t.Parallel()
	var runs int
	panicky := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runs++
		if runs == 1 {
			panic("boom")
		}
		w.WriteHeader(201)
	})
	mw := idempotency.New(idempotency.NewMemoryStore())
	srv := stack(errresp.Problem(), mw, panicky)
	func() {
		defer func() { _ = recover() }()
		post(t, srv, "k", `{}`)
	}()
	if w := post(t, srv, "k", `{}`); w.Code != 201 || runs != 2 {
		t.Errorf("after a panic the retry got %d with %d runs", w.Code, runs)
	}
}

func TestTooLargeResponse(t *testing.T) {
	t.Parallel()
	h := &machines{}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithMaxResponseBody(8)), h)
	if w := post(t, srv, "k", `{"name":"long enough"}`); w.Code != 201 || !strings.Contains(w.Body.String(), "long enough") {
		t.Fatalf("the first response was not sent in full: %d %q", w.Code, w.Body)
	}
	w := post(t, srv, "k", `{"name":"long enough"}`)
	if e, _ := errresp.Decode(w.Result()); w.Code != 409 || e == nil || e.Kind != errresp.Conflict || h.runs.Load() != 1 {
		t.Errorf("retry of a response too large to keep: %d %v, %d runs", w.Code, e, h.runs.Load())
	}
}

func TestRequestBodyTooLarge(t *testing.T) {
	t.Parallel()
	h := &machines{}
	srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithMaxRequestBody(4)), h)
	if w := post(t, srv, "k", `{"name":"x"}`); w.Code != 413 || h.runs.Load() != 0 {
		t.Errorf("a body over the limit: %d, %d runs", w.Code, h.runs.Load())
	}
}

func TestStoreDown(t *testing.T) {
	t.Parallel()
	h := &machines{}
	st := &failingStore{}
	closed := stack(errresp.Problem(), idempotency.New(st), h)
	w := post(t, closed, "k", `{}`)
	if e, _ := errresp.Decode(w.Result()); w.Code != 503 || e.Kind != errresp.Unavailable || w.Header().Get("Retry-After") != "1" || h.runs.Load() != 0 {
		t.Errorf("fail closed: %d %v Retry-After %q, %d runs", w.Code, e, w.Header().Get("Retry-After"), h.runs.Load())
	}
	open := stack(errresp.Problem(), idempotency.New(st, idempotency.WithFailOpen()), h)
	if w := post(t, open, "k", `{}`); w.Code != 201 || h.runs.Load() != 1 {
		t.Errorf("fail open: %d, %d runs", w.Code, h.runs.Load())
	}
}
