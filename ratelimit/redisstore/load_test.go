package redisstore

import (
	"context"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

// hogs runs CPU-bound processes beside the test, perPU of them per
// processor, as on a busy host, and stops them when the test ends.
func hogs(t testing.TB, perPU int) {
	t.Helper()
	var cmds []*exec.Cmd
	for range perPU * runtime.NumCPU() {
		cmd := exec.Command("sh", "-c", "while :; do :; done")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			for _, c := range cmds {
				_ = c.Process.Kill()
				_ = c.Wait()
			}
			t.Fatalf("starting a CPU-bound process: %v", err)
		}
		cmds = append(cmds, cmd)
	}
	t.Cleanup(func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	})
}

// scriptCalls is how many scripts (EVAL and EVALSHA, by INFO
// commandstats) the servers of clients have run, however they were sent.
func scriptCalls(t testing.TB, clients ...*redis.Client) int {
	t.Helper()
	n := 0
	for _, c := range clients {
		k, _ := redistest.Scripts(t, c.Options().Addr)
		n += k
	}
	return n
}

// burst sends n requests at once through each store for key and returns
// how many were allowed, the errors, and the longest a decision took.
func burst(ctx context.Context, stores []*Store, key string, limits []ratelimit.Limit, n int) (int, []error, time.Duration) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed int
		errs    []error
		longest time.Duration
		start   = make(chan struct{})
	)
	for _, s := range stores {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t := time.Now()
				d, err := s.Take(ctx, key, limits, 1)
				took := time.Since(t)
				mu.Lock()
				defer mu.Unlock()
				longest = max(longest, took)
				if err != nil {
					errs = append(errs, err)
				} else if d.Allowed {
					allowed++
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	return allowed, errs, longest
}
