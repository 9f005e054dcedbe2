package redisstore

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/errresp"
)

// health is the store's view of Redis, node by node. A node is up until a
// decision sent to it fails for a reason of the node's (see keyLevel); it is
// then down, every decision for a key in its slots is answered at once with
// an error wrapping ratelimit.ErrUnavailable, and the prober (one goroutine
// per store) checks it every retry interval until it answers again. Only
// down nodes are held, so a healthy store pays one atomic load a decision.
//
// A node is named by its address; a client with one server (or a Sentinel
// failover client, which follows its master itself) is one node, "".
type health struct {
	count atomic.Int64 // how many nodes are down
	nodes sync.Map     // address -> *down
	epoch atomic.Uint64

	wake chan struct{}   // a node went down: the prober starts
	done chan struct{}   // closed by Close
	stop context.Context // canceled by Close, bounds every probe
	wg   sync.WaitGroup
}

// down is one node that is down.
type down struct {
	addr   string
	key    string        // a key in its slots, to find who serves them now
	client *redis.Client // its client, when known (a Cluster node, a single server)
	since  time.Time
	err    error // what requests for its keys get while it is down
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

// fail records that a decision begun in epoch failed on the node at addr,
// and reports whether that began an outage. A failure of a decision sent
// before the last recovery says nothing of now, and is ignored.
func (h *health) fail(epoch uint64, addr, key string, client *redis.Client) (*down, bool) {
	if h.epoch.Load() != epoch {
		return nil, false
	}
	d := &down{addr: addr, key: key, client: client, since: time.Now(), err: &unavailable{node: addr}}
	if _, loaded := h.nodes.LoadOrStore(addr, d); loaded {
		return nil, false
	}
	h.count.Add(1)
	select {
	case h.wake <- struct{}{}:
	default:
	}
	return d, true
}

// up forgets a node that is down.
func (h *health) up(d *down) {
	if h.nodes.CompareAndDelete(d.addr, d) {
		h.epoch.Add(1)
		h.count.Add(-1)
	}
}

// run is the prober: asleep while every node is up, and while one is down,
// a round of probes every retry interval. It returns when done is closed.
func (s *Store) run() {
	defer s.health.wg.Done()
	h := &s.health
	for {
		select {
		case <-h.done:
			return
		case <-h.wake:
		}
		t := time.NewTimer(s.retry)
		for h.count.Load() > 0 {
			select {
			case <-h.done:
				t.Stop()
				return
			case <-t.C:
			}
			h.nodes.Range(func(_, v any) bool {
				s.probe(v.(*down))
				return h.stop.Err() == nil
			})
			t.Reset(s.retry)
		}
		t.Stop()
	}
}

// probe asks one node that is down whether it is back, within the timeout,
// and brings it up when it is, or when its slots are served by another node
// after a Cluster failover.
func (s *Store) probe(d *down) {
	ctx, cancel := context.WithTimeout(s.health.stop, s.timeout)
	defer cancel()
	client := d.client
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		// Ask go-redis to reload the slot map (it does so in the
		// background, at most every 200ms), so a finished failover is seen
		// by the next probe at the latest.
		cc.ReloadState(ctx)
		c, err := cc.MasterForKey(ctx, d.key)
		if err != nil {
			return
		}
		if a := c.Options().Addr; a != d.addr {
			s.recovered(d, slog.String("slots_moved_to", a))
			return
		}
		client = c
	}
	var err error
	if client != nil {
		// A connection of the probe's own first, so that probing a dead
		// server adds nothing to the pool's count of failed dials (past
		// PoolSize of them, go-redis dials only once a second); then the
		// pool's, which must work before requests are sent again.
		if err = ping(ctx, client); err == nil {
			err = client.Ping(ctx).Err()
		}
	} else {
		err = s.client.Ping(ctx).Err()
	}
	if err == nil {
		s.recovered(d)
	}
}

// recovered brings a node up and logs the end of its outage.
func (s *Store) recovered(d *down, attrs ...slog.Attr) {
	s.health.up(d)
	attrs = append([]slog.Attr{slog.String("node", d.addr), slog.Duration("outage", time.Since(d.since))}, attrs...)
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, "apierror/ratelimit/redisstore: Redis is back", attrs...)
}

// failed records a node-level failure of a decision and logs the outage it
// begins.
func (s *Store) failed(ctx context.Context, epoch uint64, addr, key string, client *redis.Client, cause error) error {
	d, began := s.health.fail(epoch, addr, key, client)
	if began {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "apierror/ratelimit/redisstore: Redis is unavailable",
			slog.String("node", d.addr), slog.Any("error", cause), slog.String("request_id", errresp.RequestID(ctx)))
	}
	return &unavailable{node: addr, cause: cause}
}

// ping sends PING on a connection of its own to the client's server and
// reports whether the server answered as one that can serve: any reply but
// an error saying it cannot yet (LOADING, BUSY, MASTERDOWN and the like; an
// error such as NOAUTH still shows a live server, and the pool's PING that
// follows, which authenticates, decides).
func ping(ctx context.Context, c *redis.Client) error {
	o := c.Options()
	conn, err := o.Dialer(ctx, o.Network, o.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReaderSize(conn, 64).ReadString('\n')
	if err != nil {
		return err
	}
	for _, busy := range []string{"-LOADING", "-BUSY", "-MASTERDOWN", "-CLUSTERDOWN", "-TRYAGAIN"} {
		if strings.HasPrefix(line, busy) {
			return errors.New(strings.TrimSpace(line[1:]))
		}
	}
	return nil
}
