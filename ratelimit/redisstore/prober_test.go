package redisstore

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// probers counts the goroutines New started (a store's prober), running
// or not yet scheduled.
func probers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "created by github.com/apierror/apierror/internal/redisnode.New in ")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// TestProberStopsOnClose: every store's prober, asleep (Redis up) or
// probing (Redis down), is gone once Close returns, and a closed store
// refuses to decide.
func TestProberStopsOnClose(t *testing.T) {
	// Not parallel: it counts goroutines of the whole test binary, while
	// the parallel tests wait.
	srv := redistest.Start(t)
	log, _ := logger()
	before := probers()
	var stores []*Store
	for range 3 {
		stores = append(stores, New(newClient(t, srv.Addr(), true), WithLogger(log), WithRetryInterval(10*time.Millisecond)))
	}
	if n := probers() - before; n != 3 {
		t.Fatalf("%d probers for 3 stores; want 3", n)
	}
	srv.Stop()
	limits := []ratelimit.Limit{{Events: 1, Period: time.Second}}
	for _, s := range stores[1:] {
		if _, err := s.Take(context.Background(), "k", limits, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
			t.Fatalf("Take with Redis stopped: %v; want ErrUnavailable", err)
		}
	}
	time.Sleep(50 * time.Millisecond) // a few rounds of probes
	for _, s := range stores {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}
	if n := probers() - before; n != 0 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d probers left after Close:\n%s", n, buf[:runtime.Stack(buf, true)])
	}
	if _, err := stores[0].Take(context.Background(), "k", limits, 1); !errors.Is(err, ratelimit.ErrStoreClosed) {
		t.Fatalf("Take after Close: %v; want ErrStoreClosed", err)
	}
}
