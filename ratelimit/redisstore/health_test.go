package redisstore

import (
	"testing"
	"time"
)

// TestHealth walks the breaker through an outage with explicit generations.
// The retry interval is an hour or zero, so no step depends on how fast the
// test runs.
func TestHealth(t *testing.T) {
	t.Parallel()
	h := health{start: time.Now()}
	const never, always = time.Hour, 0

	g0, ask := h.try(never)
	if !ask {
		t.Fatal("up: try = false; want every request to ask Redis")
	}
	if _, ended := h.up(g0); ended {
		t.Fatal("up(g0) while up ended an outage")
	}
	if !h.down(g0, never) {
		t.Fatal("first failure did not begin an outage")
	}
	if h.down(g0, never) {
		t.Fatal("a second failure of the same generation began another outage")
	}
	if _, ended := h.up(g0); ended {
		t.Fatal("a late success of a request sent before the outage ended it")
	}
	if _, ask := h.try(never); ask {
		t.Fatal("down, within the retry interval: try = true; want the policy to answer")
	}

	// With a zero interval the next request probes, and only one per
	// instant wins the probe.
	h.retryAt.Store(0)
	g1, ask := h.try(always)
	if !ask || g1&1 != 1 {
		t.Fatalf("down, interval over: try = %d, %v; want a probe of an odd generation", g1, ask)
	}
	if h.down(g1, never) {
		t.Fatal("a failed probe began a new outage")
	}
	if _, ask := h.try(never); ask {
		t.Fatal("after a failed probe: try = true; want another interval of policy")
	}
	h.retryAt.Store(0)
	g1, _ = h.try(always)
	if _, ended := h.up(g1); !ended {
		t.Fatal("a successful probe did not end the outage")
	}
	if h.down(g1, never) {
		t.Fatal("a late failure of a probe sent during the outage began a new one")
	}
	if g2, ask := h.try(never); !ask || g2&1 != 0 {
		t.Fatalf("after recovery: try = %d, %v; want up", g2, ask)
	}
}
