package redisnode

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// health is the view of the client's nodes: the ones that are down, and
// the ones a late reply made suspect, which the prober checks once.
type health struct {
	count atomic.Int64 // how many nodes are down
	nodes sync.Map     // address -> *down, down nodes only
	epoch atomic.Uint64

	mu       sync.Mutex
	suspects map[string]*down // to probe once; guarded by mu

	wake chan struct{}   // a node went down or became suspect: the prober starts
	done chan struct{}   // closed by Close
	stop context.Context // canceled by Close, bounds every probe
	wg   sync.WaitGroup
}

// down is one node that is down, or suspect.
type down struct {
	addr  string
	nd    Node
	since time.Time
	err   error // what calls for its keys get while it is down
}

// isDown reports whether the node at addr is down. Cheap while all are up.
func (h *health) isDown(addr string) (*down, bool) {
	if h.count.Load() == 0 {
		return nil, false
	}
	v, ok := h.nodes.Load(addr)
	if !ok {
		return nil, false
	}
	return v.(*down), true
}

// fail records that a call routed to nd failed for a reason of the node,
// and reports whether that began an outage. A failure of a call routed
// before the last recovery says nothing of now, and is ignored.
func (h *health) fail(nd Node, err error) (*down, bool) {
	if h.epoch.Load() != nd.epoch {
		return nil, false
	}
	d := &down{addr: nd.Addr, nd: nd, since: time.Now(), err: err}
	if _, loaded := h.nodes.LoadOrStore(nd.Addr, d); loaded {
		return nil, false
	}
	h.count.Add(1)
	h.poke()
	return d, true
}

// suspect asks the prober to probe nd once, unless it is down or suspect
// already.
func (h *health) suspect(nd Node) {
	if _, down := h.isDown(nd.Addr); down {
		return
	}
	h.mu.Lock()
	if h.suspects == nil {
		h.suspects = make(map[string]*down)
	}
	if _, ok := h.suspects[nd.Addr]; !ok {
		h.suspects[nd.Addr] = &down{addr: nd.Addr, nd: nd, since: time.Now()}
	}
	h.mu.Unlock()
	h.poke()
}

// takeSuspects returns the suspect nodes and forgets them.
func (h *health) takeSuspects() map[string]*down {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.suspects
	h.suspects = nil
	return s
}

func (h *health) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// up forgets a node that is down.
func (h *health) up(d *down) {
	if h.nodes.CompareAndDelete(d.addr, d) {
		h.epoch.Add(1)
		h.count.Add(-1)
	}
}
