package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// ping sends PING over a fresh connection and reports the reply, or the
// error when the server cannot be reached or does not answer within wait.
func ping(addr string, wait time.Duration) (string, error) {
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(wait)); err != nil {
		return "", err
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return line, err
}

func TestServerLifecycle(t *testing.T) {
	t.Parallel()
	s := Start(t)
	addr := s.Addr()
	if got, err := ping(addr, 5*time.Second); err != nil || got != "+PONG\r\n" {
		t.Fatalf("ping after Start = %q, %v; want +PONG", got, err)
	}

	s.Stop()
	if _, err := ping(addr, 5*time.Second); err == nil {
		t.Fatal("ping after Stop succeeded; want a connection error")
	}
	s.Stop() // idempotent

	s.Restart()
	if s.Addr() != addr {
		t.Fatalf("Addr after Restart = %s; want %s", s.Addr(), addr)
	}
	if got, err := ping(addr, 5*time.Second); err != nil || got != "+PONG\r\n" {
		t.Fatalf("ping after Restart = %q, %v; want +PONG", got, err)
	}

	s.Freeze()
	_, err := ping(addr, 200*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("ping while frozen: err = %v; want a timeout", err)
	}
	s.Thaw()
	if got, err := ping(addr, 5*time.Second); err != nil || got != "+PONG\r\n" {
		t.Fatalf("ping after Thaw = %q, %v; want +PONG", got, err)
	}
}

func TestStartMissingBinary(t *testing.T) {
	// Not parallel: it changes PATH and CI for the whole process.
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CI", "")
	os.Unsetenv("CI")

	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() { // Skip and Fatal end the goroutine that calls them
		defer close(done)
		Start(rec)
	}()
	<-done
	if !rec.skipped || rec.failed {
		t.Fatalf("without the binary and without CI: skipped=%v failed=%v; want a skip", rec.skipped, rec.failed)
	}
	if want := "install the Debian package redis-server"; !strings.Contains(rec.msg, want) {
		t.Fatalf("skip message %q does not say %q", rec.msg, want)
	}

	t.Setenv("CI", "true")
	rec = &recorder{TB: t}
	done = make(chan struct{})
	go func() {
		defer close(done)
		Start(rec)
	}()
	<-done
	if !rec.failed || rec.skipped {
		t.Fatalf("without the binary and with CI set: skipped=%v failed=%v; want a failure", rec.skipped, rec.failed)
	}
}

// recorder is a testing.TB that records Skip and Fatal instead of acting on
// the real test.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = true
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.failed = true
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// TestCluster starts a cluster, kills a master, and sees its replica take
// over its slots.
func TestCluster(t *testing.T) {
	t.Parallel()
	start := time.Now()
	c := StartCluster(t)
	t.Logf("cluster ok %v after start", time.Since(start))
	masters, err := c.Masters(c.Nodes[0].Addr())
	if err != nil || len(masters) != 3 {
		t.Fatalf("masters %v, %v; want three", masters, err)
	}
	victim := c.Node(masters[0])
	victim.Stop()
	killed := time.Now()
	c.WaitFailover(victim.Addr(), 10*time.Second)
	t.Logf("failover done %v after the kill", time.Since(killed))
	survivor := c.Node(masters[1]).Addr()
	now, err := c.Masters(survivor)
	if err != nil || len(now) != 3 {
		t.Fatalf("masters after failover %v, %v", now, err)
	}
	for _, m := range now {
		if m == victim.Addr() {
			t.Fatalf("the killed node %s is still a master: %v", m, now)
		}
	}
}

// TestSentinel starts a master, a replica and a Sentinel, kills the
// master, and sees the Sentinel promote the replica.
func TestSentinel(t *testing.T) {
	t.Parallel()
	master := Start(t)
	host, port, _ := net.SplitHostPort(master.Addr())
	replica := Start(t, "--replicaof", host, port)
	s := StartSentinel(t, master.Addr(), time.Second)
	if got, err := s.Master(); err != nil || got != master.Addr() {
		t.Fatalf("the sentinel's master: %q, %v; want %s", got, err, master.Addr())
	}
	master.Stop()
	killed := time.Now()
	s.WaitMaster(replica.Addr(), 30*time.Second)
	t.Logf("failover done %v after the kill", time.Since(killed))
}
