package redisstore_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/storetest"
	"github.com/apierror/apierror/internal/redistest"
)

// startSentinel starts a redis-server in sentinel mode watching master as
// "mymaster", stopped when the test ends, and returns its address.
func startSentinel(t *testing.T, master string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed") // redistest.Start has skipped (or failed, with CI) already
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	host, mport, _ := net.SplitHostPort(master)
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	body := "port " + strconv.Itoa(port) + "\nbind 127.0.0.1\ndir " + dir + "\n" +
		"sentinel monitor mymaster " + host + " " + mport + " 1\n" +
		"sentinel down-after-milliseconds mymaster 5000\n"
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, conf, "--sentinel")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	sc := redis.NewSentinelClient(&redis.Options{Addr: addr})
	defer sc.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if a, err := sc.GetMasterAddrByName(context.Background(), "mymaster").Result(); err == nil && len(a) == 2 {
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatal("the sentinel does not know the master after 10s")
		}
	}
}

// Behind Sentinel (a failover client, which asks the sentinel for the
// master): the behaviour table, and two instances running a request once.
func TestSentinel(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	sentinel := startSentinel(t, srv.Addr())
	newFailover := func() *redis.Client {
		c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "mymaster", SentinelAddrs: []string{sentinel},
			ContextTimeoutEnabled: true, DisableIdentity: true, Protocol: 2})
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	client := newFailover()
	t.Run("behaviour table", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) idempotency.Store { return newStore(t, client) })
	})
	t.Run("two instances", func(t *testing.T) {
		h := &machines{}
		concurrentOnce(t, h, instance(t, client, h), instance(t, newFailover(), h))
	})
}
