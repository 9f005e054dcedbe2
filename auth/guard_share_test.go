package auth_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit/redisstore"
)

// slowKeys is a Verifier holding keys, whose answers take delay, and the
// ring behind it (to revoke).
func slowKeys(delay time.Duration, keys ...string) (auth.Verifier, *auth.KeyRing) {
	ring := new(auth.KeyRing)
	for _, k := range keys {
		ring.AddKey(k, admin, time.Time{})
	}
	return auth.VerifierFunc(func(ctx context.Context, c auth.Credential) (*principal.Principal, error) {
		time.Sleep(delay)
		return ring.Verify(ctx, c)
	}), ring
}

// validKeys returns n distinct keys.
func validKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "valid-key-0123456789-" + strconv.Itoa(i)
	}
	return keys
}

// sendAll sends one request a key in keys, all at once from ip, spread
// over hs, and counts the statuses.
func sendAll(hs []http.Handler, ip string, keys []string) map[int]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	got := map[int]int{}
	start := make(chan struct{})
	for i, k := range keys {
		wg.Go(func() {
			<-start
			resp := guardDo(hs[i%len(hs)], "GET", "/v1/x", ip+":"+strconv.Itoa(i), "X-API-Key", k)
			mu.Lock()
			got[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return got
}

// repeat returns n copies of key.
func repeat(key string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = key
	}
	return keys
}

// redisGuards returns n instances (a client, a store, a guard and an
// Authenticator asking v each) counting in the Redis at addr.
func redisGuards(t *testing.T, addr string, n, burst int, v auth.Verifier) ([]http.Handler, []*auth.FailureGuard) {
	var hs []http.Handler
	var gs []*auth.FailureGuard
	for range n {
		client := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 100})
		// A generous deadline: on a loaded machine a late reply would be
		// counted in the instance's own memory instead (see GuardStore).
		store := redisstore.New(client, redisstore.WithTimeout(10*time.Second), redisstore.WithLogger(slog.New(slog.DiscardHandler)))
		t.Cleanup(func() { _ = store.Close(); _ = client.Close() })
		g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour), auth.GuardStore(store))
		gs = append(gs, g)
		hs = append(hs, gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent)))
	}
	return hs, gs
}

// checkSettled fails unless every guard's table of requests in progress is
// empty, and then checks that the address still has exactly its burst of
// guesses: the valid requests before cost nothing.
func checkSettled(t *testing.T, hs []http.Handler, gs []*auth.FailureGuard, ip string, burst int) {
	t.Helper()
	for i, g := range gs {
		if c, a := g.InFlight(); c != 0 || a != 0 {
			t.Errorf("guard %d holds %d credentials and %d addresses in progress after the requests", i, c, a)
		}
	}
	var wrong []string
	for i := range 2 * burst {
		wrong = append(wrong, "wrong-key-"+strconv.Itoa(i))
	}
	if got := sendAll(hs, ip, wrong); got[401] != burst || got[429] != burst {
		t.Errorf("%d wrong keys afterwards: statuses %v, want %d x 401 and %d x 429", 2*burst, got, burst, burst)
	}
}

// 100 requests at once with one valid key from one address all pass, with
// or without the memory of valid credentials: they share one reserved
// failure, which is given back.
func TestFailureGuardOneKeyConcurrent(t *testing.T) {
	t.Parallel()
	const burst = 5
	for _, remember := range []int{auth.DefaultValidCredentials, 0} {
		for _, delay := range []time.Duration{0, 5 * time.Millisecond, 50 * time.Millisecond} {
			t.Run(strconv.Itoa(remember)+"/"+delay.String(), func(t *testing.T) {
				t.Parallel()
				v, _ := slowKeys(delay, adminKey)
				g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour), auth.GuardRemember(remember, time.Minute))
				hs := []http.Handler{gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent))}
				if got := sendAll(hs, "192.0.2.30", repeat(adminKey, 100)); got[204] != 100 {
					t.Errorf("statuses %v, want 100 x 204", got)
				}
				checkSettled(t, hs, []*auth.FailureGuard{g}, "192.0.2.30", burst)
			})
		}
	}
}

// 50 distinct valid keys at once from one address, more than the burst,
// all pass on one instance: a request that finds the allowance held by
// failures still being checked waits for them, and a valid key's failure
// given back lets the next one in.
func TestFailureGuardManyKeysConcurrent(t *testing.T) {
	t.Parallel()
	const burst = 20
	keys := validKeys(50)
	for _, delay := range []time.Duration{0, 5 * time.Millisecond, 50 * time.Millisecond} {
		t.Run(delay.String(), func(t *testing.T) {
			t.Parallel()
			v, _ := slowKeys(delay, keys...)
			g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour))
			hs := []http.Handler{gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent))}
			if got := sendAll(hs, "192.0.2.31", keys); got[204] != len(keys) {
				t.Errorf("statuses %v, want %d x 204", got, len(keys))
			}
			checkSettled(t, hs, []*auth.FailureGuard{g}, "192.0.2.31", burst)
		})
	}
}

// gated is a Verifier holding adminKey that answers no call before n
// calls have come in.
func gated(n int) auth.Verifier {
	ring := new(auth.KeyRing)
	ring.AddKey(adminKey, admin, time.Time{})
	var mu sync.Mutex
	all := make(chan struct{})
	return auth.VerifierFunc(func(ctx context.Context, c auth.Credential) (*principal.Principal, error) {
		mu.Lock()
		if n--; n == 0 {
			close(all)
		}
		mu.Unlock()
		<-all
		return ring.Verify(ctx, c)
	})
}

// 200 requests at once with one wrong key (all in the Verifier before any
// is answered) are one guess: all 401, and the address has the rest of its
// burst left, exactly.
func TestFailureGuardOneWrongKeyOneGuess(t *testing.T) {
	t.Parallel()
	const burst = 5
	v := gated(200)
	g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour))
	hs := []http.Handler{gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent))}
	if got := sendAll(hs, "192.0.2.32", repeat("wrong-key-same", 200)); got[401] != 200 {
		t.Errorf("statuses %v, want 200 x 401", got)
	}
	checkSettled(t, hs, []*auth.FailureGuard{g}, "192.0.2.32", burst-1)
}

// A key remembered as valid and revoked since counts when it is refused,
// and is forgotten: it then reserves at the door again.
func TestFailureGuardRememberedKeyRevoked(t *testing.T) {
	t.Parallel()
	const burst = 3
	v, ring := slowKeys(0, adminKey, readerKey)
	g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour))
	h := gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent))
	for _, k := range []string{adminKey, readerKey} {
		if resp := guardDo(h, "GET", "/v1/x", "192.0.2.33:1", "X-API-Key", k); resp.StatusCode != 204 {
			t.Fatalf("valid key: status %d, want 204", resp.StatusCode)
		}
	}
	if n := g.Remembered(); n != 2 {
		t.Errorf("%d keys remembered, want 2", n)
	}
	ring.Revoke(adminKey)
	for i := range burst {
		if resp := guardDo(h, "GET", "/v1/x", "192.0.2.33:1", "X-API-Key", adminKey); resp.StatusCode != 401 {
			t.Fatalf("revoked key %d: status %d, want 401", i, resp.StatusCode)
		}
	}
	if n := g.Remembered(); n != 1 {
		t.Errorf("%d keys remembered after the revocation, want 1", n)
	}
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.33:1", "X-API-Key", adminKey); resp.StatusCode != 429 {
		t.Errorf("revoked key past the burst: status %d, want 429", resp.StatusCode)
	}
	// The key still remembered is not a guess: the locked-out address's
	// valid user goes on.
	if resp := guardDo(h, "GET", "/v1/x", "192.0.2.33:1", "X-API-Key", readerKey); resp.StatusCode != 204 {
		t.Errorf("remembered key on a locked-out address: status %d, want 204", resp.StatusCode)
	}
}

// The memory of valid keys is bounded: the oldest goes first.
func TestFailureGuardRememberBounded(t *testing.T) {
	t.Parallel()
	keys := validKeys(10)
	v, _ := slowKeys(0, keys...)
	g := auth.NewFailureGuard(auth.GuardLimit(2, time.Hour), auth.GuardRemember(4, time.Minute))
	h := gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent))
	for _, k := range keys {
		if resp := guardDo(h, "GET", "/v1/x", "192.0.2.34:1", "X-API-Key", k); resp.StatusCode != 204 {
			t.Fatalf("valid key: status %d, want 204", resp.StatusCode)
		}
	}
	if n := g.Remembered(); n != 4 {
		t.Errorf("%d keys remembered, want 4", n)
	}
}

// Two instances sharing Redis: 100 requests at once with one valid key,
// and 50 with distinct valid keys sent to one instance, all pass, and the
// address keeps exactly its burst for wrong keys afterwards.
func TestFailureGuardValidConcurrentRedis(t *testing.T) {
	t.Parallel()
	const burst = 20
	srv := redistest.Start(t)
	keys := validKeys(50)
	v, _ := slowKeys(5*time.Millisecond, append(keys, adminKey)...)
	hs, gs := redisGuards(t, srv.Addr(), 2, burst, v)
	if got := sendAll(hs, "192.0.2.35", repeat(adminKey, 100)); got[204] != 100 {
		t.Errorf("one key over two instances: statuses %v, want 100 x 204", got)
	}
	checkSettled(t, hs, gs, "192.0.2.35", burst)
	if got := sendAll(hs[:1], "192.0.2.36", keys); got[204] != len(keys) {
		t.Errorf("%d keys on one instance: statuses %v, want %d x 204", len(keys), got, len(keys))
	}
	checkSettled(t, hs, gs, "192.0.2.36", burst)
}

// Two instances sharing Redis: 30 distinct valid keys at once on one, and
// 20 others on the other while the first are being checked (its requests
// are refused by Redis with none of their own in flight): all pass, since
// a refused request looks for failures being checked elsewhere and waits.
func TestFailureGuardManyKeysTwoInstancesRedis(t *testing.T) {
	t.Parallel()
	const burst = 20
	srv := redistest.Start(t)
	keys := validKeys(50)
	checks := make(chan struct{}, len(keys))
	ring, _ := slowKeys(0, keys...)
	v := auth.VerifierFunc(func(ctx context.Context, c auth.Credential) (*principal.Principal, error) {
		select {
		case checks <- struct{}{}:
		default:
		}
		time.Sleep(50 * time.Millisecond)
		return ring.Verify(ctx, c)
	})
	hs, gs := redisGuards(t, srv.Addr(), 2, burst, v)
	var first map[int]int
	var wg sync.WaitGroup
	wg.Go(func() { first = sendAll(hs[:1], "192.0.2.39", keys[:30]) })
	<-checks // the first instance is checking
	second := sendAll(hs[1:], "192.0.2.39", keys[30:])
	wg.Wait()
	if first[204] != 30 || second[204] != 20 {
		t.Errorf("statuses %v on the first instance, %v on the second; want 30 and 20 x 204", first, second)
	}
	checkSettled(t, hs, gs, "192.0.2.39", burst)
}

// A Verifier that panics leaves nothing in progress behind: the request
// counts as a guess, and a request waiting on the address is answered.
func TestFailureGuardVerifierPanics(t *testing.T) {
	t.Parallel()
	const burst = 2
	v := auth.VerifierFunc(func(context.Context, auth.Credential) (*principal.Principal, error) {
		panic("verifier down")
	})
	g := auth.NewFailureGuard(auth.GuardLimit(burst, time.Hour))
	h := auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent)
	for i := range burst {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("request %d: no panic", i)
				}
			}()
			guardDo(h, "GET", "/v1/x", "192.0.2.37:1", "X-API-Key", "some-key-0123456789")
		}()
	}
	if c, a := g.InFlight(); c != 0 || a != 0 {
		t.Errorf("%d credentials and %d addresses in progress after the panics", c, a)
	}
	if resp := guardDo(gpcnStack(h), "GET", "/v1/x", "192.0.2.37:1", "X-API-Key", "other-key-0123456789"); resp.StatusCode != 429 {
		t.Errorf("after %d panics: status %d, want 429", burst, resp.StatusCode)
	}
}

// A request waiting for the address's failures being checked is answered
// 429 when its client leaves, and leaves nothing in progress behind.
func TestFailureGuardWaiterLeaves(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	v := auth.VerifierFunc(func(context.Context, auth.Credential) (*principal.Principal, error) {
		<-release
		return nil, auth.NewKeyInvalid()
	})
	g := auth.NewFailureGuard(auth.GuardLimit(1, time.Hour))
	h := gpcnStack(auth.New(v, authQuiet, auth.WithGuard(g)).Require(noContent))
	first := make(chan int)
	go func() {
		first <- guardDo(h, "GET", "/v1/x", "192.0.2.38:1", "X-API-Key", "key-a-0123456789").StatusCode
	}()
	for c, _ := g.InFlight(); c == 0; c, _ = g.InFlight() {
		time.Sleep(time.Millisecond) // until the first holds the allowance
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, "GET", "/v1/x", nil)
	r.RemoteAddr = "192.0.2.38:2"
	r.Header.Set("X-API-Key", "key-b-0123456789")
	second := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		second <- rec.Code
	}()
	for c, _ := g.InFlight(); c < 2; c, _ = g.InFlight() {
		time.Sleep(time.Millisecond) // until the second waits
	}
	cancel()
	if code := <-second; code != 429 {
		t.Errorf("the request whose client left: status %d, want 429", code)
	}
	close(release)
	if code := <-first; code != 401 {
		t.Errorf("the first: status %d, want 401", code)
	}
	if c, a := g.InFlight(); c != 0 || a != 0 {
		t.Errorf("%d credentials and %d addresses in progress afterwards", c, a)
	}
}
