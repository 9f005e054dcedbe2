package auth_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/principal"
)

// slowRing is a KeyRing holding adminKey whose answers take delay, as a
// database's would.
func slowRing(delay time.Duration) auth.Verifier {
	ring := new(auth.KeyRing)
	ring.AddKey(adminKey, admin, time.Time{})
	return auth.VerifierFunc(func(ctx context.Context, c auth.Credential) (*principal.Principal, error) {
		time.Sleep(delay)
		return ring.Verify(ctx, c)
	})
}

// flood sends n wrong keys at once from one address, spread over the
// handlers in turn, and counts the statuses.
func flood(hs []http.Handler, n int) map[int]int { return floodFrom(hs, n, "192.0.2.9") }

// floodFrom sends n wrong keys at once from the address ip, spread over hs,
// and counts the statuses.
func floodFrom(hs []http.Handler, n int, ip string) map[int]int {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "wrong-key-" + strconv.Itoa(i)
	}
	return sendAll(hs, ip, keys)
}

// 200 wrong keys at once from one address get exactly the burst of 401s
// and 429s for the rest, however long the Verifier takes: each failure is
// counted when the request is admitted.
func TestFailureGuardConcurrentGuesses(t *testing.T) {
	t.Parallel()
	const burst = 20
	for _, delay := range []time.Duration{0, 5 * time.Millisecond, 50 * time.Millisecond} {
		t.Run(delay.String(), func(t *testing.T) {
			t.Parallel()
			g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour))
			h := gpcnStack(auth.New(slowRing(delay), authQuiet, auth.WithGuard(g)).Require(noContent))
			got := flood([]http.Handler{h}, 200)
			if got[401] != burst || got[429] != 200-burst {
				t.Errorf("statuses %v, want %d x 401 and %d x 429", got, burst, 200-burst)
			}
		})
	}
}

// Two instances whose guards count in one Redis keep one cap between them.
func TestFailureGuardSharedRedis(t *testing.T) {
	t.Parallel()
	const burst = 20
	srv := redistest.Start(t)
	hs, _ := redisGuards(t, srv.Addr(), 2, burst, slowRing(5*time.Millisecond))
	got := flood(hs, 200)
	if got[401] != burst || got[429] != 200-burst {
		t.Errorf("statuses %v, want %d x 401 and %d x 429 between the two instances", got, burst, 200-burst)
	}
	// A valid key costs nothing: from a fresh address, the whole burst of
	// valid keys and then the burst of wrong ones.
	for i := range burst {
		if resp := guardDo(hs[i%2], "GET", "/v1/x", "192.0.2.10:1", "X-API-Key", adminKey); resp.StatusCode != 204 {
			t.Fatalf("valid key %d: status %d, want 204", i, resp.StatusCode)
		}
	}
	for i := range burst {
		if resp := guardDo(hs[i%2], "GET", "/v1/x", "192.0.2.10:1", "X-API-Key", "wrong"); resp.StatusCode != 401 {
			t.Fatalf("wrong key %d after valid ones: status %d, want 401", i, resp.StatusCode)
		}
	}
	// Redis down: the address Redis locked out stays locked out (the store
	// keeps the refusals it has seen until they end), and a new address is
	// counted in the instance's own memory, still capped.
	srv.Stop()
	if got := flood(hs[:1], 100); got[429] != 100 {
		t.Errorf("Redis down, the locked-out address: statuses %v, want 100 x 429", got)
	}
	if got := floodFrom(hs[:1], 100, "192.0.2.11"); got[401] != burst || got[429] != 100-burst {
		t.Errorf("Redis down, a new address: statuses %v, want %d x 401 and %d x 429", got, burst, 100-burst)
	}
}

// A session the service issued that has ended (signed out, expired) is
// answered like any unknown session but never counts against the address;
// a session id the service never issued does.
func TestFailureGuardEndedSessionNotAGuess(t *testing.T) {
	t.Parallel()
	ring := new(auth.KeyRing)
	ring.AddKey(adminKey, admin, time.Time{})
	ring.AddKey(readerKey, admin, time.Time{})
	signedOut := ring.IssueSession(admin, time.Hour)
	ring.Revoke(signedOut)
	expired := ring.IssueSession(admin, -time.Second)
	g := auth.NewFailureGuard(auth.GuardLimit(3, time.Hour))
	h := gpcnStack(auth.New(ring, authQuiet, auth.WithGuard(g), auth.WithCookie("session")).Require(noContent))
	for i := range 100 {
		for _, id := range []string{signedOut, expired} {
			resp := guardDo(h, "GET", "/v1/x", "192.0.2.20:1", "Cookie", "session="+id)
			if resp.StatusCode != 401 {
				t.Fatalf("ended session, request %d: status %d, want 401", i, resp.StatusCode)
			}
		}
	}
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.20:1", "X-API-Key", adminKey); resp.StatusCode != 204 {
		t.Errorf("a valid key after 200 ended sessions: status %d, want 204", resp.StatusCode)
	}
	// The same answer for a forged id, which counts.
	forged := signedOut[:len(signedOut)-2] + "AA"
	for i := range 3 {
		if resp := guardDo(h, "GET", "/v1/x", "192.0.2.20:1", "Cookie", "session="+forged); resp.StatusCode != 401 {
			t.Fatalf("forged session %d: status %d, want 401", i, resp.StatusCode)
		}
	}
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.20:1", "X-API-Key", readerKey); resp.StatusCode != 429 {
		t.Errorf("a valid key not seen before, after 3 forged sessions: status %d, want 429", resp.StatusCode)
	}
	// A key that proved valid lately skips the door: it is not a guess.
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.20:1", "X-API-Key", adminKey); resp.StatusCode != 204 {
		t.Errorf("a key that proved valid lately, after 3 forged sessions: status %d, want 204", resp.StatusCode)
	}
}

// Throttle reserves at the door too: 100 concurrent wrong passwords get
// exactly the burst of 401s, and right ones never count.
func TestThrottleConcurrent(t *testing.T) {
	t.Parallel()
	const burst = 10
	g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour))
	a := auth.New(slowRing(0), authQuiet, auth.WithGuard(g))
	h := gpcnStack(a.Throttle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond) // a key derivation's time
		if r.FormValue("password") != "right" {
			a.Fail(w, r, errresp.New(errresp.InvalidCredentials, "Wrong email or password."))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	for i := range 3 * burst {
		if resp := guardDo(h, "POST", "/sign-in?password=right", "192.0.2.30:1"); resp.StatusCode != 204 {
			t.Fatalf("right password %d: status %d, want 204", i, resp.StatusCode)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	got := map[int]int{}
	for range 100 {
		wg.Go(func() {
			resp := guardDo(h, "POST", "/sign-in?password=wrong", "192.0.2.30:1")
			mu.Lock()
			got[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got[401] != burst || got[429] != 100-burst {
		t.Errorf("statuses %v, want %d x 401 and %d x 429", got, burst, 100-burst)
	}
}
