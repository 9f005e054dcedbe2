// Package storetest is the behaviour table every idempotency.Store passes: a
// store written for another backend runs Run from its own tests and, when it
// passes, behaves like the in-memory store for every request.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) idempotency.Store {
//			return mystore.New(client)
//		})
//	}
//
// The table covers: the first Begin of a key starts it and later ones find
// it running, or done with the saved bytes (binary and large ones exactly),
// or of another fingerprint; Finish and Release only with the claim's token;
// a lease and a retention that run out (on the store's own clock, so these
// cases wait a few hundred milliseconds of real time); a Finish on a key the
// store lost; 64 goroutines beginning one key at once, of which exactly one
// starts it; independent keys; and an idempotent Close. Every case uses keys
// of its own, derived from the test's name, so stores that share one backend
// do not see each other's records.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/idempotency"
)

// Short is the lease and retention of the cases on expiry; they wait
// several times as long before they look.
const Short = 150 * time.Millisecond

const (
	lease     = time.Minute
	retention = time.Hour
	fp        = "fingerprint-a"
	otherFP   = "fingerprint-b"
)

// Run runs the table against stores made by newStore, one a case.
func Run(t *testing.T, newStore func(t *testing.T) idempotency.Store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s idempotency.Store, key string)
	}{
		{"FirstStarts", firstStarts},
		{"Finish", finish},
		{"Mismatch", mismatch},
		{"Token", token},
		{"Release", release},
		{"LeaseRunsOut", leaseRunsOut},
		{"RetentionRunsOut", retentionRunsOut},
		{"FinishLostKey", finishLostKey},
		{"Concurrent", concurrent},
		{"Independent", independent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close() })
			c.fn(t, s, strings.ReplaceAll(t.Name(), "/", ":"))
		})
	}
	t.Run("Close", func(t *testing.T) {
		s := newStore(t)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
	})
}

var ctx = context.Background()

func begin(t *testing.T, s idempotency.Store, key, fingerprint string, d time.Duration, want idempotency.State) idempotency.Claim {
	t.Helper()
	c, err := s.Begin(ctx, key, fingerprint, d)
	if err != nil {
		t.Fatalf("Begin(%q): %v", key, err)
	}
	if c.State != want {
		t.Fatalf("Begin(%q) is %s; want %s", key, c.State, want)
	}
	return c
}

func firstStarts(t *testing.T, s idempotency.Store, key string) {
	c := begin(t, s, key, fp, lease, idempotency.Started)
	if c.Token == "" {
		t.Error("Started with an empty token")
	}
	r := begin(t, s, key, fp, lease, idempotency.Running)
	if until := time.Until(r.Expires); until <= 0 || until > lease+time.Second {
		t.Errorf("Running expires in %v; want within the lease %v", until, lease)
	}
}

func finish(t *testing.T, s idempotency.Store, key string) {
	bodies := map[string][]byte{"empty": {}, "binary": make([]byte, 256), "large": bytes.Repeat([]byte("0123456789abcdef"), 1<<14)}
	for i := range bodies["binary"] {
		bodies["binary"][i] = byte(i)
	}
	for name, body := range bodies {
		k := key + ":" + name
		c := begin(t, s, k, fp, lease, idempotency.Started)
		if err := s.Finish(ctx, k, c.Token, fp, body, retention); err != nil {
			t.Fatalf("%s: Finish: %v", name, err)
		}
		for range 2 {
			d := begin(t, s, k, fp, lease, idempotency.Done)
			if !bytes.Equal(d.Response, body) {
				t.Errorf("%s: the saved response has %d bytes, not the %d given", name, len(d.Response), len(body))
			}
		}
	}
}

func mismatch(t *testing.T, s idempotency.Store, key string) {
	c := begin(t, s, key, fp, lease, idempotency.Started)
	begin(t, s, key, otherFP, lease, idempotency.Mismatch)
	if err := s.Finish(ctx, key, c.Token, fp, []byte("r"), retention); err != nil {
		t.Fatal(err)
	}
	begin(t, s, key, otherFP, lease, idempotency.Mismatch)
	begin(t, s, key, fp, lease, idempotency.Done)
}

func token(t *testing.T, s idempotency.Store, key string) {
	c := begin(t, s, key, fp, lease, idempotency.Started)
	if err := s.Finish(ctx, key, "not-the-token", fp, []byte("x"), retention); !errors.Is(err, idempotency.ErrNotHeld) {
		t.Errorf("Finish with another token: %v; want ErrNotHeld", err)
	}
	if err := s.Release(ctx, key, "not-the-token"); !errors.Is(err, idempotency.ErrNotHeld) {
		t.Errorf("Release with another token: %v; want ErrNotHeld", err)
	}
	begin(t, s, key, fp, lease, idempotency.Running)
	if err := s.Finish(ctx, key, c.Token, fp, []byte("first"), retention); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, key, c.Token, fp, []byte("second"), retention); !errors.Is(err, idempotency.ErrNotHeld) {
		t.Errorf("a second Finish: %v; want ErrNotHeld", err)
	}
	if err := s.Release(ctx, key, c.Token); !errors.Is(err, idempotency.ErrNotHeld) {
		t.Errorf("Release after Finish: %v; want ErrNotHeld", err)
	}
	if d := begin(t, s, key, fp, lease, idempotency.Done); string(d.Response) != "first" {
		t.Errorf("the saved response is %q; want the first", d.Response)
	}
}

func release(t *testing.T, s idempotency.Store, key string) {
	c := begin(t, s, key, fp, lease, idempotency.Started)
	if err := s.Release(ctx, key, c.Token); err != nil {
		t.Fatal(err)
	}
	// A released key is free for any request, of any fingerprint.
	c2 := begin(t, s, key, otherFP, lease, idempotency.Started)
	if c2.Token == c.Token {
		t.Error("a new claim has the old token")
	}
	if err := s.Release(ctx, key, c.Token); !errors.Is(err, idempotency.ErrNotHeld) {
		t.Errorf("Release with the old token: %v; want ErrNotHeld", err)
	}
	begin(t, s, key, otherFP, lease, idempotency.Running)
}

func leaseRunsOut(t *testing.T, s idempotency.Store, key string) {
	c := begin(t, s, key, fp, Short, idempotency.Started)
	time.Sleep(3 * Short)
	c2 := begin(t, s, key, fp, lease, idempotency.Started)
	if err := s.Finish(ctx, key, c.Token, fp, []byte("late"), retention); !errors.Is(err, idempotency.ErrNotHeld) {
		t.Errorf("Finish of a claim whose lease ran out, the key claimed again: %v; want ErrNotHeld", err)
	}
	if err := s.Finish(ctx, key, c2.Token, fp, []byte("second"), retention); err != nil {
		t.Fatal(err)
	}
	if d := begin(t, s, key, fp, lease, idempotency.Done); string(d.Response) != "second" {
		t.Errorf("saved %q; want the second claim's", d.Response)
	}
}

func retentionRunsOut(t *testing.T, s idempotency.Store, key string) {
	c := begin(t, s, key, fp, lease, idempotency.Started)
	if err := s.Finish(ctx, key, c.Token, fp, []byte("r"), Short); err != nil {
		t.Fatal(err)
	}
	begin(t, s, key, fp, lease, idempotency.Done)
	time.Sleep(3 * Short)
	begin(t, s, key, otherFP, lease, idempotency.Started)
}

func finishLostKey(t *testing.T, s idempotency.Store, key string) {
	if err := s.Finish(ctx, key, "a-token-of-a-lost-claim", fp, []byte("kept"), retention); err != nil {
		t.Fatalf("Finish on a key the store does not have: %v", err)
	}
	if d := begin(t, s, key, fp, lease, idempotency.Done); string(d.Response) != "kept" {
		t.Errorf("saved %q", d.Response)
	}
	begin(t, s, key, otherFP, lease, idempotency.Mismatch)
}

func concurrent(t *testing.T, s idempotency.Store, key string) {
	const n = 64
	var wg sync.WaitGroup
	states := make([]idempotency.State, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := s.Begin(ctx, key, fp, lease)
			states[i], errs[i] = c.State, err
		}()
	}
	close(start)
	wg.Wait()
	started := 0
	for i := range n {
		switch {
		case errs[i] != nil:
			t.Errorf("Begin %d: %v", i, errs[i])
		case states[i] == idempotency.Started:
			started++
		case states[i] != idempotency.Running:
			t.Errorf("Begin %d: %s", i, states[i])
		}
	}
	if started != 1 {
		t.Errorf("%d of %d concurrent Begins started the key; want 1", started, n)
	}
}

func independent(t *testing.T, s idempotency.Store, key string) {
	a := begin(t, s, key+":a", fp, lease, idempotency.Started)
	begin(t, s, key+":b", fp, lease, idempotency.Started)
	if err := s.Finish(ctx, key+":a", a.Token, fp, []byte("a"), retention); err != nil {
		t.Fatal(err)
	}
	begin(t, s, key+":b", fp, lease, idempotency.Running)
	begin(t, s, key+":c", otherFP, lease, idempotency.Started)
}
