// Package redisnode is the Redis plumbing the module's Redis-backed stores
// share: which node serves a key, which nodes are down, the prober that
// brings them back, what an error from Redis says (an outage, a late reply,
// a problem of one key), and the deadline each call runs under.
//
// A store makes one [Nodes] over its redis.UniversalClient (a single
// server, a Sentinel failover client, or a Cluster client) and, for each
// call:
//
//	nd, err := nodes.Route(ctx, key) // err: the node is down (wraps Config.Unavailable)
//	ctx, cancel := nodes.Bound(ctx)  // the timeout, or the caller's nearer deadline
//	err = nodes.Pipe(ctx, nd, cmd, undo) // in the node's next pipeline
//	cancel()
//	switch redisnode.Classify(err) {
//	case redisnode.Late:
//		err = nodes.Suspect(nd, err) // probes the node; nothing marked down yet
//	case redisnode.Outage:
//		err = nodes.Failed(ctx, nd, err) // marks the node down, logs once
//	...
//	}
//
// Pipe batches the calls waiting for one node into shared round trips
// (implicit pipelining, see pipe.go), never blocks its caller past ctx, and
// hands a reply that came after its caller had gone to undo, so that a store
// can take back what the call did. A late reply alone never marks a node
// down: a busy host makes healthy nodes late too.
//
// Health is kept per node, named by its address; a client with one server
// (or a Sentinel client, which follows its master itself) is one node, "".
// On a Cluster a node is the master serving the key's slot, by go-redis's
// slot map (no round trip), so a failing master affects only its slots.
// Only down nodes are held, so a healthy client pays one atomic load a call.
//
// While a node is down a goroutine probes it every retry interval, so
// recovery needs no traffic. A probe sends PING on a connection of its own
// first (probing a dead server through the pool would push go-redis's pool
// into its dial back-off), then through the pool; on a Cluster it has
// go-redis reload the slot map first, so a finished failover (a replica
// promoted for the failed master's slots) brings the node's keys back.
// The prober sleeps while every node is up and stops on Close.
package redisnode

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/errresp"
)

// Config says what a Nodes watches and how.
type Config struct {
	// Client is the store's client; the caller keeps and closes it.
	Client redis.UniversalClient
	// Timeout bounds each call (see Nodes.Bound) and each probe.
	Timeout time.Duration
	// RetryInterval is how often a node that is down is probed.
	RetryInterval time.Duration
	// Logger receives one line when a node's outage begins and one when it
	// ends.
	Logger *slog.Logger
	// Name starts every log line and error text, such as
	// "apierror/ratelimit/redisstore".
	Name string
	// Unavailable is the sentinel every error of an outage wraps (such as
	// ratelimit.ErrUnavailable).
	Unavailable error

	// Pipelines is how many pipelines Pipe keeps in flight to one node at
	// most (0: DefaultPipelines). Calls that arrive while they are all in
	// flight wait, and leave together in the next.
	Pipelines int
	// PipelineMax is how many calls one pipeline carries at most (0:
	// DefaultPipelineMax).
	PipelineMax int
	// PipelineWindow is how long a pipeline that is not full waits for
	// more calls before it is sent (0, the default: not at all; calls that
	// come while others are in flight batch anyway).
	PipelineWindow time.Duration
	// ReplyWait is how long a pipeline waits for its replies after its
	// callers have gone (0: 10 × Timeout), so that a late reply is still
	// seen and what it did can be undone.
	ReplyWait time.Duration
}

// Defaults of Config.
const (
	DefaultPipelines   = 2
	DefaultPipelineMax = 128
)

// Node is where a key's commands go: a Cluster master, or the client's one
// server. Route returns it; Failed takes it back when a call failed.
type Node struct {
	// Addr names the node: a Cluster master's address, or "" for a client
	// with one server.
	Addr string
	// Client is the node's own client, which the prober uses: a Cluster
	// master's, or the store's client when it is a *redis.Client; nil for
	// other clients (a Sentinel failover client, a Ring). Commands should
	// go through Config.Client, which follows a Cluster's redirections.
	Client *redis.Client
	key    string // a key in its slots, to find who serves them now
	epoch  uint64 // the recoveries seen when it was routed to
}

// Nodes keeps the health of a client's nodes. Make one with New; it is safe
// for concurrent use.
type Nodes struct {
	cfg       Config
	cluster   *redis.ClusterClient // Client, when it is one
	single    *redis.Client        // Client, when it is one
	ctxBounds bool
	health    health
	wheel     wheel
	cancel    context.CancelFunc

	queues    sync.Map // address -> *queue, for Pipe
	single1   queue    // the queue of node ""
	pipelines atomic.Int64
}

// New returns the Nodes of cfg.Client and starts its prober; Close stops
// it. New panics on a nil client, logger or Unavailable, or a timeout or
// retry interval that is not positive.
func New(cfg Config) *Nodes {
	switch {
	case cfg.Client == nil:
		panic(cfg.Name + ": nil client")
	case cfg.Logger == nil:
		panic(cfg.Name + ": nil logger")
	case cfg.Unavailable == nil:
		panic(cfg.Name + ": nil Unavailable")
	case cfg.Timeout <= 0:
		panic(cfg.Name + ": timeout must be positive")
	case cfg.RetryInterval <= 0:
		panic(cfg.Name + ": retry interval must be positive")
	case cfg.Pipelines < 0 || cfg.PipelineMax < 0 || cfg.PipelineWindow < 0 || cfg.ReplyWait < 0:
		panic(cfg.Name + ": negative pipeline setting")
	}
	if cfg.Pipelines == 0 {
		cfg.Pipelines = DefaultPipelines
	}
	if cfg.PipelineMax == 0 {
		cfg.PipelineMax = DefaultPipelineMax
	}
	if cfg.ReplyWait == 0 {
		cfg.ReplyWait = 10 * cfg.Timeout
	}
	n := &Nodes{cfg: cfg}
	n.cluster, _ = cfg.Client.(*redis.ClusterClient)
	n.single, _ = cfg.Client.(*redis.Client)
	n.ctxBounds = ContextBounded(cfg.Client)
	n.health.wake = make(chan struct{}, 1)
	n.health.done = make(chan struct{})
	n.health.stop, n.cancel = context.WithCancel(context.Background())
	n.health.wg.Add(1)
	go n.run()
	return n
}

// Cluster reports whether the client is a Cluster client, whose keys are
// served by several nodes.
func (n *Nodes) Cluster() bool { return n.cluster != nil }

// Route returns the node serving key, or an error wrapping
// Config.Unavailable when that node is down (or, on a Cluster, when the
// slot map cannot be had). On a Cluster it reads go-redis's slot map, with
// no round trip.
func (n *Nodes) Route(ctx context.Context, key string) (Node, error) {
	nd := Node{epoch: n.health.epoch.Load(), key: key, Client: n.single}
	if n.cluster != nil {
		c, err := n.cluster.MasterForKey(ctx, key)
		if err != nil {
			if c := Classify(err); c == Late || c == Canceled {
				return nd, n.unavailable("(cluster)", err) // the slot map is slow to load: not an outage
			}
			return nd, n.Failed(ctx, Node{Addr: "(cluster)", epoch: nd.epoch, key: key}, err)
		}
		nd.Addr, nd.Client = c.Options().Addr, c
	}
	if d, down := n.health.isDown(nd.Addr); down {
		return nd, d.err
	}
	return nd, nil
}

// Failed records that a call sent to nd failed with cause, a failure of
// the node (Classify says Outage): the node is down from now until a probe
// finds it back, and the first failure of an outage is logged, with the
// request id when ctx carries one. A failure of a call routed before the
// node's last recovery says nothing of now and is ignored. Failed returns
// the error for the call, wrapping Config.Unavailable and cause.
func (n *Nodes) Failed(ctx context.Context, nd Node, cause error) error {
	if d, began := n.health.fail(nd, n.unavailable(nd.Addr, nil)); began {
		n.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, n.cfg.Name+": Redis is unavailable",
			slog.String("node", d.addr), slog.Any("error", cause), slog.String("request_id", errresp.RequestID(ctx)))
	}
	return n.unavailable(nd.Addr, cause)
}

// Suspect records that a call sent to nd got no reply in time (Classify
// says Late), which a busy but healthy node also causes: nothing is marked
// down, but the prober probes the node at once, on a connection of its
// own, and marks it down (logging the outage) only if that probe fails
// too. Suspect returns the error for the call, wrapping Config.Unavailable
// and cause.
func (n *Nodes) Suspect(nd Node, cause error) error {
	n.health.suspect(nd)
	return n.unavailable(nd.Addr, cause)
}

// Unavailable returns the error of a call to nd that could not be made in
// time or at all without the node being down (a late reply): it wraps
// Config.Unavailable and cause, and marks nothing.
func (n *Nodes) Unavailable(nd Node, cause error) error { return n.unavailable(nd.Addr, cause) }

func (n *Nodes) unavailable(addr string, cause error) error {
	return &unavailable{name: n.cfg.Name, sentinel: n.cfg.Unavailable, node: addr, cause: cause}
}

// Down reports how many nodes are down.
func (n *Nodes) Down() int { return int(n.health.count.Load()) }

// Close stops the prober and waits for it. It does not close the client.
// Close must be called once.
func (n *Nodes) Close() {
	n.cancel()
	close(n.health.done)
	n.health.wg.Wait()
}
