package ratelimit_test

import (
	"strings"
	"testing"

	"github.com/apierror/apierror/ratelimit"
)

// FuzzClientKey feeds arbitrary peer addresses, X-Forwarded-For values and
// API keys to the key functions: none may panic, every IP key is an "ip:"
// key, the forwarded-for field never changes the key unless the peer is a
// trusted proxy, and an API key never appears in its key.
func FuzzClientKey(f *testing.F) {
	f.Add("203.0.113.5:4000", "1.2.3.4", "secret")
	f.Add("10.0.0.1:80", "198.51.100.2, 10.2.2.2", "Bearer x")
	f.Add("[2001:db8::1]:443", "[2001:db8:ffff::1]:80,,, ,", "")
	f.Add("[fe80::1%eth0]:1", "::ffff:1.2.3.4", "k")
	f.Add("pipe", "[[[::1]]]", " ")
	f.Add("10.0.0.1:80", strings.Repeat("1.1.1.1,", 100), "x")
	open := ratelimit.ByIP()
	proxied := ratelimit.ByIP(ratelimit.IPTrustProxies("10.0.0.0/8", "2001:db8::/32"))
	hops := ratelimit.ByIP(ratelimit.IPTrustHops(2))
	apiKey := ratelimit.ByAPIKey("")
	f.Fuzz(func(t *testing.T, remote, xff, key string) {
		plain := request("")
		plain.RemoteAddr = remote
		want, _ := open(plain)
		r := request("", "X-Forwarded-For", xff, "X-Api-Key", key)
		r.RemoteAddr = remote
		got, err := open(r)
		if err != nil || got != want {
			t.Fatalf("no trusted proxies: key %q with X-Forwarded-For, %q without", got, want)
		}
		for _, kf := range []ratelimit.KeyFunc{proxied, hops} {
			k, err := kf(r)
			if err != nil || !strings.HasPrefix(k, "ip:") || len(k) > 3+len(remote)+64 {
				t.Fatalf("key %q, %v", k, err)
			}
		}
		k, err := apiKey(r)
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.TrimSpace(key); k != "" && len(s) > 3 && strings.Contains(k, s) {
			t.Fatalf("API key %q appears in its key %q", s, k)
		}
	})
}

// FuzzCredentialKey feeds arbitrary credentials to ByCredential: it never
// panics, never gives an empty key, never shows the secret in the key, and
// gives one secret one key whether it comes as a Bearer token or in
// X-API-Key.
func FuzzCredentialKey(f *testing.F) {
	f.Add("Bearer tok", "tok", "session=tok")
	f.Add("", "", "")
	f.Add("APIKey  spaced ", " x ", "session=\"q\"; other=1")
	f.Add("Basic", "\x00", ";;;=")
	byCred := ratelimit.ByCredential()
	f.Fuzz(func(t *testing.T, authz, apiKey, cookie string) {
		r := request("192.0.2.1:1", "Authorization", authz, "X-Api-Key", apiKey, "Cookie", cookie)
		k, err := byCred(r)
		if err != nil || k == "" {
			t.Fatalf("key %q, %v", k, err)
		}
		for _, s := range []string{strings.TrimSpace(authz), strings.TrimSpace(apiKey)} {
			if len(s) > 8 && !strings.HasPrefix(k, "ip:") && strings.Contains(k, s) {
				t.Fatalf("secret %q appears in its key %q", s, k)
			}
		}
		if s := strings.TrimSpace(apiKey); s != "" && !strings.ContainsAny(s, " \t\r\n") {
			k1, _ := byCred(request("192.0.2.1:1", "Authorization", "Bearer "+s))
			k2, _ := byCred(request("192.0.2.2:1", "X-Api-Key", s))
			if k1 != k2 {
				t.Fatalf("secret %q: key %q as a Bearer token, %q in X-API-Key", s, k1, k2)
			}
		}
	})
}
