package redisnode

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// run is the prober: asleep while every node is up and none is suspect;
// suspects are probed as soon as they are reported, and down nodes every
// retry interval. It returns when done is closed.
func (n *Nodes) run() {
	defer n.health.wg.Done()
	h := &n.health
	t := time.NewTimer(n.cfg.RetryInterval)
	t.Stop()
	armed := false
	for {
		select {
		case <-h.done:
			t.Stop()
			return
		case <-h.wake:
			n.probeSuspects()
		case <-t.C:
			armed = false
			h.nodes.Range(func(_, v any) bool {
				d := v.(*down)
				if n.probe(d.nd) == nil {
					n.recovered(d)
				}
				return h.stop.Err() == nil
			})
			n.probeSuspects()
		}
		if h.count.Load() > 0 && !armed {
			t.Reset(n.cfg.RetryInterval)
			armed = true
		}
	}
}

// probeSuspects probes once each node a late reply made suspect, and marks
// down those that do not answer.
func (n *Nodes) probeSuspects() {
	for _, d := range n.health.takeSuspects() {
		if err := n.probe(d.nd); err != nil && n.health.stop.Err() == nil {
			n.Failed(context.Background(), d.nd, fmt.Errorf("a probe after a late reply: %w", err))
		}
	}
}

// probe asks one node whether it can serve, within the timeout: nil when
// it can, or when its slots are now served by another node after a
// Cluster failover.
func (n *Nodes) probe(nd Node) error {
	ctx, cancel := context.WithTimeout(n.health.stop, n.cfg.Timeout)
	defer cancel()
	client := nd.Client
	if n.cluster != nil {
		// Ask go-redis to reload the slot map (it does so in the
		// background, at most every 200ms), so a finished failover is seen
		// by the next probe at the latest.
		n.cluster.ReloadState(ctx)
		c, err := n.cluster.MasterForKey(ctx, nd.key)
		if err != nil {
			return err
		}
		if c.Options().Addr != nd.Addr {
			return nil
		}
		client = c
	}
	if client == nil {
		return n.cfg.Client.Ping(ctx).Err()
	}
	// A connection of the probe's own first, so that probing a dead server
	// adds nothing to the pool's count of failed dials (past PoolSize of
	// them, go-redis dials only once a second); then the pool's, which must
	// work before calls are sent again.
	if err := ping(ctx, client); err != nil {
		return err
	}
	return client.Ping(ctx).Err()
}

// recovered brings a node up and logs the end of its outage.
func (n *Nodes) recovered(d *down) {
	n.health.up(d)
	attrs := []slog.Attr{slog.String("node", d.addr), slog.Duration("outage", time.Since(d.since))}
	if n.cluster != nil && d.addr != "(cluster)" {
		if c, err := n.cluster.MasterForKey(context.Background(), d.nd.key); err == nil && c.Options().Addr != d.addr {
			attrs = append(attrs, slog.String("slots_moved_to", c.Options().Addr))
		}
	}
	n.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, n.cfg.Name+": Redis is back", attrs...)
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
