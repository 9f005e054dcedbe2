// Package redistest starts a throwaway redis-server for tests: on a free
// loopback port, with no persistence, stopped when the test ends. It can stop,
// restart (on the same port), freeze and thaw the server, so tests can show
// what a client does while Redis is away. StartCluster starts a Redis
// Cluster of three masters and three replicas the same way.
//
// When the redis-server binary is missing the test is skipped with a message
// naming the Debian package redis-server, unless the environment variable CI
// is set, in which case it fails.
package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long Start and Restart wait for the server to say
// it is ready.
const startTimeout = 10 * time.Second

// readyLine is what redis-server logs once it accepts connections.
const readyLine = "Ready to accept connections"

// Server is one running (or stopped) redis-server. Its methods are safe for
// concurrent use.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	args []string
	port int
	// conf is a configuration file given before the other arguments, and
	// ready what the server logs once it is ready ("" for
	// readyLine); a Sentinel needs both.
	conf, ready string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Start starts a redis-server on a free loopback port and stops it when the
// test ends; args are more configuration, such as "--cluster-enabled",
// "yes". It skips (or, with CI set, fails) the test when the binary is
// missing.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	return start(t, lookPath(t, "redis-server"), freePort, args)
}

// lookPath finds a binary of the Debian package redis-server, or skips (with
// CI set: fails) the test.
func lookPath(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found in PATH; install the Debian package redis-server (apt-get install redis-server) to run this test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

func start(t testing.TB, bin string, port func(testing.TB) int, args []string) *Server {
	t.Helper()
	return run(t, &Server{t: t, bin: bin, dir: t.TempDir(), args: args}, port)
}

// run starts s on a port that port finds free, and stops it when the test
// ends.
func run(t testing.TB, s *Server, port func(testing.TB) int) *Server {
	t.Helper()
	t.Cleanup(s.Stop)
	// A port found free can be taken before redis-server binds it; try again
	// with another one when that happens.
	for attempt := 0; ; attempt++ {
		s.port = port(t)
		err := s.start()
		if err == nil {
			return s
		}
		if attempt == 4 {
			t.Fatalf("redistest: %v", err)
		}
	}
}

// Addr is the server's address, "127.0.0.1:PORT". It stays the same across
// Stop and Restart.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Stop kills the server (as a crash would: no shutdown handshake) and waits
// for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a frozen process must run to die
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd, s.done = nil, nil
}

// Running reports whether the server is running (a frozen one is).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Restart starts the server again on the same port, with an empty dataset,
// and returns once it accepts connections. It fails the test if the server is
// running or cannot start.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// Freeze suspends the server process (SIGSTOP) and returns once it is
// stopped: connections stay open but nothing is answered, as with a hung or
// overloaded server. Thaw resumes it.
func (s *Server) Freeze() {
	s.signal(syscall.SIGSTOP)
	s.mu.Lock()
	pid := s.cmd.Process.Pid
	s.mu.Unlock()
	// The signal is delivered asynchronously; wait for the kernel to report
	// the process stopped.
	deadline := time.Now().Add(startTimeout)
	for !stopped(pid) {
		if time.Now().After(deadline) {
			s.t.Fatalf("redistest: redis-server (pid %d) not stopped %v after SIGSTOP", pid, startTimeout)
		}
		runtime.Gosched()
	}
}

// stopped reports whether the process is in the stopped state, from
// /proc/PID/stat (the field after the parenthesised command name).
func stopped(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && (b[i+2] == 'T' || b[i+2] == 't')
}

// Thaw resumes a frozen server (SIGCONT).
func (s *Server) Thaw() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.t.Fatalf("redistest: signal %v: server is not running", sig)
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("redistest: signal %v: %v", sig, err)
	}
}

// start runs redis-server on s.port and waits until its log says it is
// ready, or it exits, or startTimeout passes.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return fmt.Errorf("server on port %d is already running", s.port)
	}
	var args []string
	if s.conf != "" {
		args = append(args, s.conf)
	}
	marker := s.ready
	if marker == "" {
		marker = readyLine
	}
	args = append(append(args,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--daemonize", "no",
		"--loglevel", "notice",
		"--logfile", ""),
		s.args...)
	cmd := exec.Command(s.bin, args...)
	cmd.SysProcAttr = dieWithTest()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	ready := make(chan struct{})
	var log strings.Builder // what the server printed before it was ready
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			if signalled {
				continue // keep draining so the server never blocks on its log
			}
			line := sc.Text()
			log.WriteString(line)
			log.WriteByte('\n')
			if strings.Contains(line, marker) {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		close(done)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-ready:
		s.cmd, s.done = cmd, done
		return nil
	case <-done:
		return fmt.Errorf("redis-server on port %d exited before it was ready:\n%s", s.port, log.String())
	case <-timer.C:
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("redis-server on port %d not ready after %v:\n%s", s.port, startTimeout, log.String())
	}
}

// freePort asks the kernel for a free loopback TCP port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
