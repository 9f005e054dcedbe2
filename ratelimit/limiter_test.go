package ratelimit_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/storetest"
)

// ok is the handler behind every limiter in these tests.
var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })

// clocked returns a manual clock and options that make a limiter and its
// memory store read it.
func clocked(opts ...ratelimit.Option) (*storetest.Clock, []ratelimit.Option) {
	c := new(storetest.Clock)
	store := ratelimit.NewMemoryStore(ratelimit.MemoryClock(c.Now))
	return c, append([]ratelimit.Option{ratelimit.WithStore(store), ratelimit.WithClock(c.Now)}, opts...)
}

func request(remote string, header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/things", nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// epoch is storetest.Epoch as a Unix time.
var epoch = storetest.Epoch.Unix()

func itoa(n int64) string { return strconvItoa(n) }

func TestHeadersOnFixedInstants(t *testing.T) {
	t.Parallel()
	type step struct {
		advance    time.Duration
		status     int
		limit      string
		remaining  string
		reset      string
		retryAfter string // "" means absent
		ietf       string // RateLimit field, when IETF headers are on
	}
	tests := []struct {
		name   string
		limits []ratelimit.Limit
		opts   []ratelimit.Option
		policy string // RateLimit-Policy, when IETF headers are on
		steps  []step
	}{
		{
			name:   "burst, refusal, refill; Unix reset",
			limits: []ratelimit.Limit{{Events: 60, Period: time.Minute, Burst: 3}},
			steps: []step{
				{0, 204, "3", "2", itoa(epoch + 1), "", ""},
				{0, 204, "3", "1", itoa(epoch + 2), "", ""},
				{0, 204, "3", "0", itoa(epoch + 3), "", ""},
				{0, 429, "3", "0", itoa(epoch + 3), "1", ""},
				{250 * time.Millisecond, 429, "3", "0", itoa(epoch + 3), "1", ""},
				{750 * time.Millisecond, 204, "3", "0", itoa(epoch + 4), "", ""},
				{10 * time.Second, 204, "3", "2", itoa(epoch + 12), "", ""},
			},
		},
		{
			name:   "Retry-After rounds the exact wait up",
			limits: []ratelimit.Limit{{Events: 1, Period: 90 * time.Second}},
			opts:   []ratelimit.Option{ratelimit.WithResetSeconds()},
			steps: []step{
				{0, 204, "1", "0", "90", "", ""},
				{0, 429, "1", "0", "90", "90", ""},
				{time.Millisecond, 429, "1", "0", "90", "90", ""},
				{89 * time.Second, 429, "1", "0", "1", "1", ""},
				{999 * time.Millisecond, 204, "1", "0", "90", "", ""},
			},
		},
		{
			name: "two limits: IETF fields name the binding one",
			limits: []ratelimit.Limit{
				{Events: 10, Period: time.Second, Burst: 2, Name: "burst"},
				{Events: 3, Period: 24 * time.Hour, Name: "daily"},
			},
			opts:   []ratelimit.Option{ratelimit.WithHeaders(ratelimit.XRateLimitHeaders | ratelimit.IETFHeaders), ratelimit.WithResetSeconds()},
			policy: `"burst";q=2;w=1, "daily";q=3;w=86400`,
			steps: []step{
				{0, 204, "2", "1", "1", "", `"burst";r=1;t=1`},
				{0, 204, "2", "0", "1", "", `"burst";r=0;t=1`},
				{0, 429, "2", "0", "1", "1", `"burst";r=0;t=1`},
				{time.Second, 204, "3", "0", "86399", "", `"daily";r=0;t=86399`},
				{time.Second, 429, "3", "0", "86398", "28798", `"daily";r=0;t=28798`},
			},
		},
		{
			name:   "derived policy name",
			limits: []ratelimit.Limit{{Events: 60, Period: time.Minute}},
			opts:   []ratelimit.Option{ratelimit.WithHeaders(ratelimit.IETFHeaders)},
			policy: `"60-per-1m0s";q=60;w=60`,
			steps: []step{
				{0, 204, "", "", "", "", `"60-per-1m0s";r=59;t=1`},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock, opts := clocked(tc.opts...)
			h := ratelimit.New(tc.limits, opts...)(ok)
			for i, st := range tc.steps {
				clock.Advance(st.advance)
				w := serve(h, request("192.0.2.1:1234"))
				got := []string{itoa(int64(w.Code)), w.Header().Get("X-RateLimit-Limit"), w.Header().Get("X-RateLimit-Remaining"),
					w.Header().Get("X-RateLimit-Reset"), w.Header().Get("Retry-After"), w.Header().Get("RateLimit")}
				want := []string{itoa(int64(st.status)), st.limit, st.remaining, st.reset, st.retryAfter, st.ietf}
				if strings.Join(got, " | ") != strings.Join(want, " | ") {
					t.Fatalf("step %d: status | limit | remaining | reset | retry-after | RateLimit\n got %q\nwant %q", i, got, want)
				}
				if p := w.Header().Get("RateLimit-Policy"); p != tc.policy {
					t.Fatalf("step %d: RateLimit-Policy %q, want %q", i, p, tc.policy)
				}
			}
		})
	}
}

func TestRefusalEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		style *errresp.Style
		code  string
	}{
		{errresp.Problem(), ""},
		{errresp.GPCN(), "RATE_LIMIT_EXCEEDED"},
		{errresp.DevDocs(), "TOOLIMITED-429"},
		{errresp.Gcore(), "RateLimitExceeded"},
		{errresp.AuthPI(), "usage_limit_exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.style.Name, func(t *testing.T) {
			t.Parallel()
			clock, opts := clocked()
			h := ratelimit.PerMinute(2, opts...)(ok)
			styled := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(w, errresp.WithStyle(r, tc.style))
			})
			for range 2 {
				if w := serve(styled, request("192.0.2.7:1")); w.Code != http.StatusNoContent {
					t.Fatalf("status %d before the limit", w.Code)
				}
			}
			clock.Advance(10 * time.Second)
			w := serve(styled, request("192.0.2.7:1"))
			if w.Code != http.StatusTooManyRequests {
				t.Fatalf("status %d, want 429", w.Code)
			}
			if tc.code != "" && !bytes.Contains(w.Body.Bytes(), []byte(`"`+tc.code+`"`)) {
				t.Fatalf("body lacks code %s: %s", tc.code, w.Body)
			}
			e, err := errresp.Decode(w.Result())
			if err != nil {
				t.Fatal(err)
			}
			// One token every 30s; 10s have passed since the bucket emptied,
			// and it is full again 60s after that.
			wantInfo := map[string]float64{"limit": 2, "remaining": 0, "reset": float64(epoch + 60)}
			if e.Kind != errresp.RateLimited || e.RetryAfter != 20*time.Second {
				t.Fatalf("decoded %v with RetryAfter %v, want RateLimited and 20s", e.Kind, e.RetryAfter)
			}
			for k, v := range wantInfo {
				if got, _ := e.Info[k].(float64); got != v {
					t.Fatalf("info[%q] = %v, want %v (info %v)", k, e.Info[k], v, e.Info)
				}
			}
			if e.Info["policy"] != "2-per-1m0s" {
				t.Fatalf("info[policy] = %v", e.Info["policy"])
			}
			if w.Header().Get("X-RateLimit-Reset") != itoa(epoch+60) {
				t.Fatalf("X-RateLimit-Reset %q", w.Header().Get("X-RateLimit-Reset"))
			}
		})
	}
}

func TestCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []ratelimit.Option
		target []string // request paths, in order
		codes  []int
		retry  []string
	}{
		{"static cost", []ratelimit.Option{ratelimit.WithCost(4)},
			[]string{"/", "/", "/"}, []int{204, 204, 429}, []string{"", "", "1"}},
		{"cost from the request", []ratelimit.Option{ratelimit.WithCostFunc(func(r *http.Request) int { return len(r.URL.Query()["id"]) })},
			[]string{"/?id=1&id=2&id=3&id=4&id=5&id=6&id=7", "/?id=1&id=2&id=3&id=4", "/?id=1&id=2&id=3", "/"}, []int{204, 429, 204, 204}, []string{"", "1", "", ""}},
		{"cost above the capacity never passes", []ratelimit.Option{ratelimit.WithCostFunc(func(r *http.Request) int { return 11 })},
			[]string{"/", "/"}, []int{429, 429}, []string{"", ""}},
		{"negative cost counts as one", []ratelimit.Option{ratelimit.WithCostFunc(func(r *http.Request) int { return -5 })},
			[]string{"/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/"}, []int{204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 429}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, opts := clocked(tc.opts...)
			h := ratelimit.PerSecond(10, opts...)(ok) // one token each 100ms, bucket of 10
			for i, target := range tc.target {
				r := httptest.NewRequest(http.MethodPost, target, nil)
				w := serve(h, r)
				if w.Code != tc.codes[i] {
					t.Fatalf("request %d: status %d, want %d (%s)", i, w.Code, tc.codes[i], w.Body)
				}
				if tc.retry != nil && w.Header().Get("Retry-After") != tc.retry[i] {
					t.Fatalf("request %d: Retry-After %q, want %q", i, w.Header().Get("Retry-After"), tc.retry[i])
				}
			}
		})
	}
}

// TestConcurrentRequests sends 64 goroutines' requests at one instant
// through the middleware: exactly the burst passes.
func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	_, opts := clocked()
	h := ratelimit.PerHour(100, opts...)(ok)
	var passed, refused atomic.Int64
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				switch serve(h, request("198.51.100.9:"+itoa(int64(g)))).Code {
				case http.StatusNoContent:
					passed.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if passed.Load() != 100 || refused.Load() != 540 {
		t.Fatalf("%d passed and %d refused, want 100 and 540", passed.Load(), refused.Load())
	}
}

// TestSpoofedForwardedFor sends 1,000 requests from one address, each
// claiming another client in X-Forwarded-For: with no trusted proxy they
// all share the one bucket.
func TestSpoofedForwardedFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  ratelimit.KeyFunc
	}{
		{"default key", nil},
		{"proxies declared, peer not among them", ratelimit.ByIP(ratelimit.IPTrustProxies("10.0.0.0/8"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var extra []ratelimit.Option
			if tc.key != nil {
				extra = append(extra, ratelimit.WithKey(tc.key))
			}
			_, opts := clocked(extra...)
			h := ratelimit.PerMinute(10, opts...)(ok)
			passed := 0
			for i := range 1000 {
				spoof := itoa(int64(i/256)) + "." + itoa(int64(i%256)) + ".7.7"
				if serve(h, request("203.0.113.5:4000", "X-Forwarded-For", spoof)).Code == http.StatusNoContent {
					passed++
				}
			}
			if passed != 10 {
				t.Fatalf("%d of 1000 spoofed requests passed, want 10", passed)
			}
		})
	}
}

func TestKeyFuncError(t *testing.T) {
	t.Parallel()
	deny := func(*http.Request) (string, error) {
		return "", errresp.New(errresp.NotAuthenticated, "Sign in first.")
	}
	h := ratelimit.PerSecond(5, ratelimit.WithKey(deny))(ok)
	w := serve(h, request("192.0.2.1:1"))
	if e, _ := errresp.Decode(w.Result()); w.Code != http.StatusUnauthorized || e.Kind != errresp.NotAuthenticated {
		t.Fatalf("status %d kind %v, want 401 NotAuthenticated", w.Code, e.Kind)
	}
}

func TestConstructionPanics(t *testing.T) {
	t.Parallel()
	one := []ratelimit.Limit{{Events: 5, Period: time.Second}}
	tests := []struct {
		name  string
		build func()
	}{
		{"no limits", func() { ratelimit.New(nil) }},
		{"zero events", func() { ratelimit.PerMinute(0) }},
		{"zero period", func() { ratelimit.New([]ratelimit.Limit{{Events: 1}}) }},
		{"name not printable", func() { ratelimit.New([]ratelimit.Limit{{Events: 1, Period: time.Second, Name: "a\nb"}}) }},
		{"too many limits", func() { ratelimit.New(make([]ratelimit.Limit, ratelimit.MaxLimits+1)) }},
		{"cost over capacity", func() { ratelimit.New(one, ratelimit.WithCost(6)) }},
		{"burst with several limits", func() { ratelimit.New(append(one, one...), ratelimit.WithBurst(3)) }},
		{"bucket over a century", func() { ratelimit.New([]ratelimit.Limit{{Events: 1, Period: 24 * time.Hour, Burst: 1 << 20}}) }},
		{"bad CIDR", func() { ratelimit.ByIP(ratelimit.IPTrustProxies("10.0.0.0/33")) }},
		{"hops and proxies", func() { ratelimit.ByIP(ratelimit.IPTrustHops(1), ratelimit.IPTrustProxies("10.0.0.1")) }},
		{"nil store", func() { ratelimit.WithStore(nil) }},
		{"negative cost", func() { ratelimit.WithCost(-1) }},
		{"unknown headers", func() { ratelimit.WithHeaders(8) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "apierror/ratelimit: ") {
					t.Fatalf("panic %q, want one prefixed apierror/ratelimit: ", msg)
				}
			}()
			tc.build()
		})
	}
}

// TestSharedStoreNames: limiters sharing a store share buckets exactly when
// they share a name.
func TestSharedStoreNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		nameA, nameB string
		second       int // status of the first request through B, after one through A
	}{
		{"same name shares", "search", "search", http.StatusTooManyRequests},
		{"different names do not", "search", "export", http.StatusNoContent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, opts := clocked()
			a := ratelimit.PerMinute(1, append(opts, ratelimit.WithName(tc.nameA))...)(ok)
			b := ratelimit.PerMinute(1, append(opts, ratelimit.WithName(tc.nameB))...)(ok)
			if c := serve(a, request("192.0.2.1:1")).Code; c != http.StatusNoContent {
				t.Fatalf("first request: %d", c)
			}
			if c := serve(b, request("192.0.2.1:1")).Code; c != tc.second {
				t.Fatalf("request through the other limiter: %d, want %d", c, tc.second)
			}
		})
	}
}
