package redisnode

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Implicit pipelining: calls to one node that are waiting at the same time
// share round trips. Each node has a queue; a call joins it and, while
// fewer than Config.Pipelines pipelines are in flight to the node, starts
// one. A pipeline takes every call waiting (at most Config.PipelineMax), so
// a burst is carried by a few round trips instead of queueing for pooled
// connections, and a lone call goes out at once: nothing waits for a batch
// to fill unless Config.PipelineWindow asks for it.

// call is one command waiting for, or on, a pipeline.
type call struct {
	cmd   redis.Cmder
	late  func(redis.Cmder) // run with the reply when the caller has gone
	state atomic.Uint32     // queued, sent, answered or abandoned
	done  chan struct{}     // closed once the reply (or the failure) is in cmd
}

const (
	queued    uint32 = iota // waiting for a pipeline
	sent                    // in a pipeline
	answered                // its reply is in cmd
	abandoned               // its caller has gone
)

// queue is one node's calls waiting for a pipeline.
type queue struct {
	mu       sync.Mutex
	pending  []*call
	inflight int
}

// Pipe sends cmd to nd in the node's next pipeline and waits for its reply
// until ctx is done. It returns cmd's error, or ctx's when ctx ended first.
// A call whose caller has gone before it was sent is never sent; one sent
// already is not recalled: the pipeline keeps waiting for its reply (up to
// Config.ReplyWait), and late, when not nil, runs with the command once the
// reply is in, so that the store can undo what the call did. A lone call
// (none waiting, a pipeline free, a client that bounds its I/O by the
// context) is sent by its caller, bounded by ctx: if its reply is late, it
// is lost, and late does not run. Pipe never
// blocks in go-redis: a Cluster pipeline goes through Config.Client, which
// follows redirections.
func (n *Nodes) Pipe(ctx context.Context, nd Node, cmd redis.Cmder, late func(redis.Cmder)) error {
	q := n.queue(nd.Addr)
	q.mu.Lock()
	if n.ctxBounds && len(q.pending) == 0 && q.inflight < n.cfg.Pipelines {
		// A lone call: nothing waits, a pipeline is free. The caller sends
		// it itself, which spares two goroutine switches (a loaded host
		// makes each cost tens of microseconds); go-redis bounds it by ctx.
		q.inflight++
		q.mu.Unlock()
		n.pipelines.Add(1)
		err := n.cfg.Client.Process(ctx, cmd)
		q.mu.Lock()
		if len(q.pending) > 0 {
			q.mu.Unlock()
			go n.flush(q) // keeps the pipeline's place for the calls that came meanwhile
		} else {
			q.inflight--
			q.mu.Unlock()
		}
		return err
	}
	c := &call{cmd: cmd, late: late, done: make(chan struct{})}
	q.pending = append(q.pending, c)
	start := q.inflight < n.cfg.Pipelines
	if start {
		q.inflight++
	}
	q.mu.Unlock()
	if start {
		go n.flush(q)
	}
	select {
	case <-c.done:
		return cmd.Err()
	case <-ctx.Done():
	}
	if !c.state.CompareAndSwap(queued, abandoned) && !c.state.CompareAndSwap(sent, abandoned) {
		return cmd.Err() // answered meanwhile
	}
	return ctx.Err()
}

// queue returns the queue of the node at addr.
func (n *Nodes) queue(addr string) *queue {
	if addr == "" {
		return &n.single1
	}
	if q, ok := n.queues.Load(addr); ok {
		return q.(*queue)
	}
	q, _ := n.queues.LoadOrStore(addr, new(queue))
	return q.(*queue)
}

// flush sends q's waiting calls, a pipeline at a time, until none waits.
func (n *Nodes) flush(q *queue) {
	batch := make([]*call, 0, 16)
	for {
		if w := n.cfg.PipelineWindow; w > 0 {
			q.mu.Lock()
			short := len(q.pending) < n.cfg.PipelineMax
			q.mu.Unlock()
			if short {
				time.Sleep(w)
			}
		}
		q.mu.Lock()
		batch = batch[:0]
		for len(q.pending) > 0 && len(batch) < n.cfg.PipelineMax {
			c := q.pending[0]
			q.pending[0] = nil
			q.pending = q.pending[1:]
			if c.state.CompareAndSwap(queued, sent) {
				batch = append(batch, c)
			}
		}
		if len(q.pending) == 0 {
			q.pending = q.pending[:0:0] // let a burst's array go
		}
		if len(batch) == 0 {
			q.inflight--
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		n.exec(batch)
	}
}

// exec runs one pipeline and hands each call its reply.
func (n *Nodes) exec(batch []*call) {
	ctx, cancel := context.WithTimeout(n.health.stop, n.cfg.ReplyWait)
	n.pipelines.Add(1)
	if len(batch) == 1 {
		_ = n.cfg.Client.Process(ctx, batch[0].cmd)
	} else {
		p := n.cfg.Client.Pipeline()
		for _, c := range batch {
			_ = p.Process(ctx, c.cmd)
		}
		_, _ = p.Exec(ctx)
	}
	cancel()
	for _, c := range batch {
		if c.state.CompareAndSwap(sent, answered) {
			close(c.done)
		} else if c.late != nil {
			c.late(c.cmd)
		}
	}
}

// Pipelines returns how many round trips the Nodes has made for Pipe: one
// a pipeline, however many calls it carried.
func (n *Nodes) Pipelines() int64 { return n.pipelines.Load() }
