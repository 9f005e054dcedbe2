package redistest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// NodeTimeout is the cluster-node-timeout of a started cluster: how long a
// master may be unreachable before the others count it failed and its
// replica takes over. Small, so a failover takes about a second.
const NodeTimeout = 500 * time.Millisecond

// Cluster is a Redis Cluster on loopback: three masters, each with one
// replica, holding every slot. Its nodes are stopped when the test ends.
type Cluster struct {
	t     testing.TB
	cli   string
	Nodes []*Server // all six, in the order they were started
}

// StartCluster starts six redis-servers with cluster mode on (no
// persistence, NodeTimeout, cluster-require-full-coverage no) and joins them with redis-cli --cluster create
// --cluster-replicas 1, then waits until every node reports the cluster ok.
// It skips (or, with CI set, fails) the test when redis-server or redis-cli
// is missing.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	bin := lookPath(t, "redis-server")
	c := &Cluster{t: t, cli: lookPath(t, "redis-cli")}
	args := []string{
		"--cluster-enabled", "yes",
		"--cluster-config-file", "nodes.conf",
		"--cluster-node-timeout", strconv.Itoa(int(NodeTimeout / time.Millisecond)),
		// A replica may take over however long it was cut off.
		"--cluster-replica-validity-factor", "0",
		// The healthy masters keep serving their slots while one is down
		// (Redis's default, yes, refuses every key, CLUSTERDOWN, until the
		// failover).
		"--cluster-require-full-coverage", "no",
	}
	// redis-cli --cluster create waits, without a limit of its own, for the
	// nodes to meet; on a loaded machine that can take a very long time, or
	// never end. It gets a minute, and the cluster a second try with new
	// nodes on new ports.
	for attempt := 1; ; attempt++ {
		c.Nodes = c.Nodes[:0]
		addrs := make([]string, 6)
		for i := range addrs {
			c.Nodes = append(c.Nodes, start(t, bin, freeClusterPort, args))
			addrs[i] = c.Nodes[i].Addr()
		}
		out, err := create(c.cli, addrs, createTimeout)
		if err == nil {
			break
		}
		for _, n := range c.Nodes {
			n.Stop()
		}
		if attempt == 2 {
			t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
		}
		t.Logf("redistest: redis-cli --cluster create: %v; starting the cluster again", err)
	}
	c.WaitOK(10 * time.Second)
	return c
}

// createTimeout bounds one redis-cli --cluster create.
const createTimeout = time.Minute

// create joins the nodes at addrs into a cluster of three masters with a
// replica each, within timeout.
func create(cli string, addrs []string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("no cluster after %v", timeout)
	}
	return out, err
}

// Addrs are the addresses of every node, to seed a cluster client.
func (c *Cluster) Addrs() []string {
	a := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		a[i] = n.Addr()
	}
	return a
}

// Node returns the server at addr, or nil.
func (c *Cluster) Node(addr string) *Server {
	for _, n := range c.Nodes {
		if n.Addr() == addr {
			return n
		}
	}
	return nil
}

// Do runs a command on the node at addr with redis-cli and returns its
// output.
func (c *Cluster) Do(addr string, args ...string) (string, error) {
	host, port, _ := net.SplitHostPort(addr)
	out, err := exec.Command(c.cli, append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	return string(out), err
}

// Masters are the addresses of the masters that hold slots and are not
// marked failed, as the node at addr sees them.
func (c *Cluster) Masters(addr string) ([]string, error) {
	out, err := c.Do(addr, "CLUSTER", "NODES")
	if err != nil {
		return nil, fmt.Errorf("CLUSTER NODES on %s: %v: %s", addr, err, out)
	}
	var masters []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		// id addr@bus flags master ping pong epoch link slots...
		if len(f) < 9 || !strings.Contains(f[2], "master") || strings.Contains(f[2], "fail") {
			continue
		}
		masters = append(masters, strings.Split(f[1], "@")[0])
	}
	return masters, nil
}

// WaitOK waits until every running node reports cluster_state:ok and sees
// three masters holding slots, or fails the test after limit.
func (c *Cluster) WaitOK(limit time.Duration) { c.t.Helper(); c.WaitFailover("", limit) }

// WaitFailover waits until the master at addr has been replaced: every
// running node reports cluster_state:ok and sees three masters holding
// slots, none of them addr. It fails the test after limit.
func (c *Cluster) WaitFailover(addr string, limit time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		why := c.notOK(addr)
		if why == "" {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("redistest: cluster not ok after %v: %s", limit, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// notOK says why the cluster is not ok, or still has gone as a master,
// or returns "".
func (c *Cluster) notOK(gone string) string {
	for _, n := range c.Nodes {
		if !n.Running() {
			continue
		}
		info, err := c.Do(n.Addr(), "CLUSTER", "INFO")
		if err != nil || !strings.Contains(info, "cluster_state:ok") {
			return n.Addr() + ": " + strings.TrimSpace(info)
		}
		m, err := c.Masters(n.Addr())
		if err != nil {
			return err.Error()
		}
		if len(m) != 3 || (gone != "" && slices.Contains(m, gone)) {
			return fmt.Sprintf("%s sees masters %v", n.Addr(), m)
		}
	}
	return ""
}

// freeClusterPort is a free loopback port whose cluster bus port (the port
// plus 10000) is free too.
func freeClusterPort(t testing.TB) int {
	t.Helper()
	for range 100 {
		p := freePort(t)
		if p+10000 > 65535 {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+10000)))
		if err != nil {
			continue
		}
		l.Close()
		return p
	}
	t.Fatal("redistest: no free port pair for a cluster node")
	return 0
}
