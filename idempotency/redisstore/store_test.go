package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/storetest"
	"github.com/apierror/apierror/internal/redistest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClient(t, srv.Addr())
	storetest.Run(t, func(t *testing.T) idempotency.Store { return newStore(t, c) })
}

// concurrentOnce sends 100 identical requests with one key at once, spread
// over the instances, and checks that the handler ran once and every answer
// is its response or a 409.
func concurrentOnce(t *testing.T, h *machines, instances ...http.Handler) {
	t.Helper()
	var wg sync.WaitGroup
	codes := make([]int, 100)
	bodies := make([]string, 100)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := post(instances[i%len(instances)], "one-key", `{"name":"x"}`)
			codes[i], bodies[i] = w.Code, w.Body.String()
		}()
	}
	wg.Wait()
	if h.runs.Load() != 1 {
		t.Fatalf("the handler ran %d times; want 1", h.runs.Load())
	}
	for i, c := range codes {
		if !(c == 201 && bodies[i] == `{"id":1,"request":{"name":"x"}}`) && c != 409 {
			t.Errorf("answer %d: %d %q", i, c, bodies[i])
		}
	}
}

// Two instances sharing one Redis: once across both.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	h := &machines{}
	a := instance(t, newClient(t, srv.Addr()), h)
	b := instance(t, newClient(t, srv.Addr()), h)
	concurrentOnce(t, h, a, b)
	if w := post(b, "one-key", `{"name":"x"}`); w.Header().Get(idempotency.ReplayHeader) != "true" {
		t.Errorf("the other instance did not replay: %d", w.Code)
	}
	if w := post(a, "one-key", `{"name":"y"}`); w.Code != 422 {
		t.Errorf("same key, other body: %d", w.Code)
	}
}

func TestCluster(t *testing.T) {
	t.Parallel()
	cl := redistest.StartCluster(t)
	client := newClusterClient(t, cl.Addrs())
	t.Run("behaviour table", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) idempotency.Store { return newStore(t, client) })
	})
	t.Run("two instances", func(t *testing.T) {
		h := &machines{}
		concurrentOnce(t, h, instance(t, client, h), instance(t, newClusterClient(t, cl.Addrs()), h))
	})
	t.Run("hash tag", func(t *testing.T) {
		// A key's record is one hash in the slot of its tag.
		s := newStore(t, client)
		c, err := s.Begin(context.Background(), "0123abcd", "f", time.Minute)
		if err != nil || c.State != idempotency.Started {
			t.Fatal(c, err)
		}
		slot, err := client.ClusterKeySlot(context.Background(), "idem:{0123abcd}").Result()
		tagSlot, err2 := client.ClusterKeySlot(context.Background(), "0123abcd").Result()
		if err != nil || err2 != nil || slot != tagSlot {
			t.Errorf("slot %d (%v), tag's %d (%v)", slot, err, tagSlot, err2)
		}
	})
}

// A record that is not one of the store's is that key's error, not an
// outage: the next call works.
func TestForeignRecord(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClient(t, srv.Addr())
	s := newStore(t, c)
	ctx := context.Background()
	if err := c.Set(ctx, "idem:{bad}", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Begin(ctx, "bad", "f", time.Minute)
	if err == nil || errors.Is(err, idempotency.ErrUnavailable) || !strings.Contains(err.Error(), "cannot be read") {
		t.Errorf("a string under the key: %v", err)
	}
	if cl, err := s.Begin(ctx, "good", "f", time.Minute); err != nil || cl.State != idempotency.Started {
		t.Errorf("the next key: %v %v", cl, err)
	}
}
