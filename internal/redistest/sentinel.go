package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SentinelMaster is the name under which a Sentinel started by
// StartSentinel watches its master.
const SentinelMaster = "mymaster"

// Sentinel is a redis-server in Sentinel mode, watching one master (and
// the replicas it finds) as SentinelMaster, with a quorum of one: it
// alone decides a failover.
type Sentinel struct {
	*Server
	cli string
}

// StartSentinel starts a Sentinel watching the master at addr, which it
// takes for down after downAfter without a reply (then fails over to a
// replica at once), on a free loopback port, stopped when the test ends.
// It skips (or, with CI set, fails) the test when the binaries are
// missing.
func StartSentinel(t testing.TB, master string, downAfter time.Duration) *Sentinel {
	t.Helper()
	s := &Server{t: t, bin: lookPath(t, "redis-server"), dir: t.TempDir(), args: []string{"--sentinel"}, ready: "+monitor master"}
	host, port, err := net.SplitHostPort(master)
	if err != nil {
		t.Fatalf("redistest: sentinel: master %q: %v", master, err)
	}
	s.conf = filepath.Join(s.dir, "sentinel.conf")
	conf := fmt.Sprintf("sentinel monitor %[1]s %[2]s %[3]s 1\n"+
		"sentinel down-after-milliseconds %[1]s %[4]d\n"+
		"sentinel failover-timeout %[1]s %[5]d\n", SentinelMaster, host, port, downAfter.Milliseconds(), (10 * downAfter).Milliseconds())
	if err := os.WriteFile(s.conf, []byte(conf), 0o600); err != nil {
		t.Fatalf("redistest: sentinel: %v", err)
	}
	return &Sentinel{Server: run(t, s, freePort), cli: lookPath(t, "redis-cli")}
}

// Master is the address the Sentinel gives for its master now.
func (s *Sentinel) Master() (string, error) {
	host, port, _ := net.SplitHostPort(s.Addr())
	out, err := exec.Command(s.cli, "-h", host, "-p", port, "SENTINEL", "get-master-addr-by-name", SentinelMaster).CombinedOutput()
	f := strings.Fields(string(out))
	if err != nil || len(f) != 2 {
		return "", fmt.Errorf("SENTINEL get-master-addr-by-name: %v: %s", err, out)
	}
	return net.JoinHostPort(f[0], f[1]), nil
}

// WaitMaster waits until the Sentinel gives addr as its master, and fails
// the test after limit.
func (s *Sentinel) WaitMaster(addr string, limit time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got, err := s.Master()
		if err == nil && got == addr {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redistest: the sentinel's master is %q (%v) after %v, want %s", got, err, limit, addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
