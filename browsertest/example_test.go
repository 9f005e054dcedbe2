package browsertest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildOut  []byte
)

// exampleBinary builds the library's example service (../example) once per
// run.
func exampleBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "browsertest-example-")
		if buildErr != nil {
			return
		}
		// Built in the library's own module, whose go.mod has the example's
		// dependencies.
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "example"), "./example")
		cmd.Dir = ".."
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building the example: %v\n%s", buildErr, buildOut)
	}
	return filepath.Join(buildDir, "example")
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startExample runs the example service with args on a free loopback port
// and returns its base URL; it is stopped when the test ends.
func startExample(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(exampleBinary(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				base <- m[1]
				sent = true
			}
		}
		if !sent {
			close(base)
		}
	}()
	select {
	case b, ok := <-base:
		if !ok {
			t.Fatal("the example exited before listening")
		}
		return b
	case <-time.After(30 * time.Second):
		t.Fatal("the example did not say where it listens")
	}
	return ""
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
