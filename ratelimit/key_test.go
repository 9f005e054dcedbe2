package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

func TestByIP(t *testing.T) {
	t.Parallel()
	proxies := ratelimit.IPTrustProxies("10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.10")
	tests := []struct {
		name   string
		opts   []ratelimit.IPOption
		remote string
		xff    []string // X-Forwarded-For field lines
		want   string
	}{
		{"peer address", nil, "203.0.113.5:4000", nil, "ip:203.0.113.5"},
		{"forwarded-for ignored without proxies", nil, "203.0.113.5:4000", []string{"1.2.3.4"}, "ip:203.0.113.5"},
		{"IPv6 grouped by /64", nil, "[2001:db8:1:2:3:4:5:6]:443", nil, "ip:2001:db8:1:2::/64"},
		{"IPv6 zone dropped", nil, "[fe80::1%eth0]:443", nil, "ip:fe80::/64"},
		{"IPv4-mapped IPv6 is IPv4", nil, "[::ffff:198.51.100.1]:80", nil, "ip:198.51.100.1"},
		{"IPv6 prefix option", []ratelimit.IPOption{ratelimit.IPv6Prefix(48)}, "[2001:db8:1:2::9]:1", nil, "ip:2001:db8:1::/48"},
		{"IPv4 prefix option", []ratelimit.IPOption{ratelimit.IPv4Prefix(24)}, "198.51.100.77:1", nil, "ip:198.51.100.0/24"},
		{"unparsable peer kept", nil, "pipe", nil, "ip:pipe"},
		{"empty peer", nil, "", nil, "ip:unknown"},
		{"trusted proxy: right-most untrusted", []ratelimit.IPOption{proxies}, "10.1.1.1:80", []string{"6.6.6.6, 198.51.100.2, 10.2.2.2"}, "ip:198.51.100.2"},
		{"trusted proxy: single address", []ratelimit.IPOption{proxies}, "192.0.2.10:80", []string{"198.51.100.3"}, "ip:198.51.100.3"},
		{"trusted proxy: several field lines", []ratelimit.IPOption{proxies}, "10.1.1.1:80", []string{"6.6.6.6", "198.51.100.4", "10.9.9.9"}, "ip:198.51.100.4"},
		{"trusted proxy: IPv6 client with port", []ratelimit.IPOption{proxies}, "[2001:db8:ffff::1]:80", []string{"[2001:db8:7:7::1]:5555"}, "ip:2001:db8:7:7::/64"},
		{"trusted proxy: all hops trusted", []ratelimit.IPOption{proxies}, "10.1.1.1:80", []string{"10.3.3.3"}, "ip:10.3.3.3"},
		{"trusted proxy: no header", []ratelimit.IPOption{proxies}, "10.1.1.1:80", nil, "ip:10.1.1.1"},
		{"trusted proxy: garbage stops at last trusted", []ratelimit.IPOption{proxies}, "10.1.1.1:80", []string{"198.51.100.9, <script>, 10.2.2.2"}, "ip:10.2.2.2"},
		{"untrusted peer with proxies declared", []ratelimit.IPOption{proxies}, "203.0.113.5:1", []string{"198.51.100.2"}, "ip:203.0.113.5"},
		{"hops: one proxy", []ratelimit.IPOption{ratelimit.IPTrustHops(1)}, "10.1.1.1:80", []string{"6.6.6.6, 198.51.100.5"}, "ip:198.51.100.5"},
		{"hops: two proxies", []ratelimit.IPOption{ratelimit.IPTrustHops(2)}, "10.1.1.1:80", []string{"6.6.6.6, 198.51.100.6", "10.0.0.2"}, "ip:198.51.100.6"},
		{"hops: too few entries", []ratelimit.IPOption{ratelimit.IPTrustHops(2)}, "10.1.1.1:80", []string{"198.51.100.6"}, "ip:10.1.1.1"},
		{"hops: garbage entry", []ratelimit.IPOption{ratelimit.IPTrustHops(1)}, "10.1.1.1:80", []string{"nonsense"}, "ip:10.1.1.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := request(tc.remote)
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got, err := ratelimit.ByIP(tc.opts...)(r)
			if err != nil || got != tc.want {
				t.Fatalf("key %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestKeyFuncs(t *testing.T) {
	t.Parallel()
	const secret = "sk_live_abcdef123456"
	withPrincipal := func(r *http.Request) *http.Request {
		return principal.RequestWith(r, &principal.Principal{ID: "user-7", Tenant: "acme"})
	}
	tests := []struct {
		name  string
		key   ratelimit.KeyFunc
		req   func() *http.Request
		check func(string) bool
	}{
		{"API key is hashed", ratelimit.ByAPIKey(""), func() *http.Request { return request("1.1.1.1:1", "X-API-Key", secret) },
			func(k string) bool {
				return strings.HasPrefix(k, "key:") && len(k) == 36 && !strings.Contains(k, secret)
			}},
		{"API key from Authorization drops the scheme", ratelimit.ByAPIKey("authorization"),
			func() *http.Request { return request("1.1.1.1:1", "Authorization", "APIKey "+secret) },
			func(k string) bool {
				want, _ := ratelimit.ByAPIKey("")(request("", "X-API-Key", secret))
				return k == want
			}},
		{"no API key: the client address", ratelimit.ByAPIKey(""), func() *http.Request { return request("1.1.1.1:1") }, func(k string) bool { return k == "ip:1.1.1.1" }},
		{"principal", ratelimit.ByPrincipal(), func() *http.Request { return withPrincipal(request("1.1.1.1:1")) }, func(k string) bool { return k == "principal:user-7" }},
		{"no principal", ratelimit.ByPrincipal(), func() *http.Request { return request("1.1.1.1:1") }, func(k string) bool { return k == "" }},
		{"tenant", ratelimit.ByTenant(), func() *http.Request { return withPrincipal(request("1.1.1.1:1")) }, func(k string) bool { return k == "tenant:acme" }},
		{"route falls back to the path", ratelimit.ByRoute(), func() *http.Request { return request("1.1.1.1:1") }, func(k string) bool { return k == "route:/things" }},
		{"joined", ratelimit.Join(ratelimit.ByPrincipal(), ratelimit.ByRoute()), func() *http.Request { return withPrincipal(request("1.1.1.1:1")) },
			func(k string) bool { return k == "16:principal:user-713:route:/things" }},
		{"joined with an empty part is empty", ratelimit.Join(ratelimit.ByPrincipal(), ratelimit.ByRoute()), func() *http.Request { return request("1.1.1.1:1") },
			func(k string) bool { return k == "" }},
		{"first non-empty", ratelimit.First(ratelimit.ByPrincipal(), ratelimit.ByIP()), func() *http.Request { return request("1.1.1.1:1") },
			func(k string) bool { return k == "ip:1.1.1.1" }},
		{"first takes the principal", ratelimit.First(ratelimit.ByPrincipal(), ratelimit.ByIP()), func() *http.Request { return withPrincipal(request("1.1.1.1:1")) },
			func(k string) bool { return k == "principal:user-7" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k, err := tc.key(tc.req())
			if err != nil || !tc.check(k) {
				t.Fatalf("key %q, err %v", k, err)
			}
		})
	}
}

// TestJoinIsUnambiguous: two different lists of parts never join to one key.
func TestJoinIsUnambiguous(t *testing.T) {
	t.Parallel()
	part := func(s string) ratelimit.KeyFunc { return func(*http.Request) (string, error) { return s, nil } }
	a, _ := ratelimit.Join(part("a:1"), part("b"))(request(""))
	b, _ := ratelimit.Join(part("a"), part("1:b"))(request(""))
	if a == b {
		t.Fatalf("both join to %q", a)
	}
}

// TestByRoutePatterns checks that chi and http.ServeMux routes give the
// pattern, so /users/1 and /users/2 share one bucket.
func TestByRoutePatterns(t *testing.T) {
	t.Parallel()
	var seen []string
	record := func(w http.ResponseWriter, r *http.Request) {
		k, _ := ratelimit.ByRoute()(r)
		seen = append(seen, k)
	}
	keyed := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { record(w, r); h.ServeHTTP(w, r) })
	}
	cr := chi.NewRouter()
	cr.With(keyed).Get("/users/{id}", func(http.ResponseWriter, *http.Request) {})
	mux := http.NewServeMux()
	mux.Handle("GET /users/{id}", keyed(ok))
	for _, h := range []http.Handler{cr, mux} {
		for _, p := range []string{"/users/1", "/users/2"} {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
		}
	}
	want := []string{"route:/users/{id}", "route:/users/{id}", "route:GET /users/{id}", "route:GET /users/{id}"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Fatalf("keys %q, want %q", seen, want)
	}
}

// TestPerRouteLimits mounts two limiters on a chi router: each route counts
// apart, and the limit holds per client.
func TestPerRouteLimits(t *testing.T) {
	t.Parallel()
	_, opts := clocked()
	cr := chi.NewRouter()
	cr.With(ratelimit.PerMinute(1, opts...)).Get("/a", ok)
	cr.With(ratelimit.PerMinute(2, opts...)).Get("/b", ok)
	codes := func(path, remote string) int {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = remote
		return serve(cr, r).Code
	}
	got := []int{
		codes("/a", "192.0.2.1:1"), codes("/a", "192.0.2.1:1"),
		codes("/b", "192.0.2.1:1"), codes("/b", "192.0.2.1:1"), codes("/b", "192.0.2.1:1"),
		codes("/a", "192.0.2.2:1"),
	}
	want := []int{204, 429, 204, 204, 429, 204}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
}
