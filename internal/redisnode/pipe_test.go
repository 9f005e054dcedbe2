package redisnode

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/internal/redistest"
)

func pipeNodes(t *testing.T, addr string, pipelines int, ctxBounded bool) (*Nodes, *redis.Client) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: ctxBounded})
	t.Cleanup(func() { _ = c.Close() })
	n := New(Config{
		Client: c, Timeout: time.Second, RetryInterval: 10 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler), Name: "test", Unavailable: errSentinel,
		Pipelines: pipelines,
	})
	t.Cleanup(n.Close)
	return n, c
}

// TestPipeBatches: 300 calls at once to one node each get their own reply,
// in far fewer round trips than calls.
func TestPipeBatches(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n, c := pipeNodes(t, srv.Addr(), 2, true)
	ctx := context.Background()
	nd, err := n.Route(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	const calls = 300
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[int64]bool{}
	)
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := redis.NewIntCmd(ctx, "incr", "k")
			if err := n.Pipe(ctx, nd, cmd, nil); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[cmd.Val()] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if v, _ := c.Get(ctx, "k").Int(); v != calls || len(seen) != calls {
		t.Fatalf("k = %d, %d distinct replies; want %d, %d", v, len(seen), calls, calls)
	}
	if p := n.Pipelines(); p >= calls/2 {
		t.Errorf("%d calls took %d round trips; want far fewer", calls, p)
	}
	t.Logf("%d calls in %d round trips", calls, n.Pipelines())
}

// TestPipeLate: a call whose caller gives up while it waits behind a busy
// pipeline is never sent; one whose caller gives up once it is sent gets
// late with its reply.
func TestPipeLate(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n, c := pipeNodes(t, srv.Addr(), 1, true)
	ctx := context.Background()
	nd, err := n.Route(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	// The one pipeline is busy with a 400ms script.
	spun := make(chan error, 1)
	go func() { spun <- n.Pipe(ctx, nd, redis.NewCmd(ctx, "eval", spin, "0"), nil) }()
	redistest.WaitBusy(t, srv.Addr())
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := n.Pipe(short, nd, redis.NewIntCmd(ctx, "incr", "queued"), func(redis.Cmder) { t.Error("late ran for a call never sent") }); !errors.Is(err, context.DeadlineExceeded) || Classify(err) != Late {
		t.Fatalf("a call behind a busy pipeline: %v; want a late one", err)
	}
	if err := <-spun; err != nil {
		t.Fatal(err)
	}

	// Now a call that is sent, and waits on the busy script itself.
	late := make(chan int64, 1)
	go func() { _ = n.Pipe(ctx, nd, redis.NewCmd(ctx, "eval", spin, "0"), nil) }()
	redistest.WaitBusy(t, srv.Addr())
	// A second client, whose pipeline goes out at once; one that does not
	// bound its I/O by the context, so that even a lone call goes out in a
	// pipeline of the Nodes' own (a lone call on a client that does is sent
	// by its caller, and its late reply is lost).
	n2, _ := pipeNodes(t, srv.Addr(), 2, false)
	nd2, _ := n2.Route(ctx, "k")
	short2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	err = n2.Pipe(short2, nd2, redis.NewIntCmd(ctx, "incr", "sent"), func(c redis.Cmder) { late <- c.(*redis.IntCmd).Val() })
	if Classify(err) != Late {
		t.Fatalf("a sent call past its deadline: %v; want a late one", err)
	}
	select {
	case v := <-late:
		if v != 1 {
			t.Fatalf("late got %d; want the reply, 1", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("late never ran")
	}
	if v, _ := c.Get(ctx, "queued").Int(); v != 0 {
		t.Fatalf("the call never sent ran: queued = %d", v)
	}
}
