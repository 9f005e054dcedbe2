package ratelimit_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/ratelimit"
)

func TestByCredential(t *testing.T) {
	t.Parallel()
	withHeader := func(k, v string) *http.Request {
		r := request("198.51.100.7:1")
		r.Header.Set(k, v)
		return r
	}
	byCred := ratelimit.ByCredential()
	key := func(t *testing.T, f ratelimit.KeyFunc, r *http.Request) string {
		t.Helper()
		k, err := f(r)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	t.Run("one secret is one key in every header and the cookie", func(t *testing.T) {
		t.Parallel()
		ck := request("198.51.100.7:1")
		ck.AddCookie(&http.Cookie{Name: "session", Value: "s3cret"})
		keys := []string{
			key(t, byCred, withHeader("Authorization", "Bearer s3cret")),
			key(t, byCred, withHeader("Authorization", "APIKey s3cret")),
			key(t, byCred, withHeader("X-API-Key", "s3cret")),
			key(t, byCred, ck),
		}
		for _, k := range keys {
			if k != keys[0] || !strings.HasPrefix(k, "cred:") || strings.Contains(k, "s3cret") {
				t.Fatalf("keys %q: want one digest, without the secret", keys)
			}
		}
		if other := key(t, byCred, withHeader("X-API-Key", "other")); other == keys[0] {
			t.Fatal("two secrets share a key")
		}
	})
	t.Run("no credential: the client address, not a shared key", func(t *testing.T) {
		t.Parallel()
		if k := key(t, byCred, request("198.51.100.7:1")); k != "ip:198.51.100.7" {
			t.Fatalf("key %q, want ip:198.51.100.7", k)
		}
		if k := key(t, ratelimit.ByCredential(ratelimit.CredentialFallback(ratelimit.ByRoute())), request("198.51.100.7:1")); !strings.HasPrefix(k, "route:") {
			t.Fatalf("key %q, want the fallback's", k)
		}
	})
	t.Run("the Authenticator's credential", func(t *testing.T) {
		t.Parallel()
		a := auth.New(auth.VerifierFunc(nil), auth.WithSources(auth.FromBearer, auth.FromAPIKeyHeader))
		f := ratelimit.ByCredential(ratelimit.CredentialFunc(func(r *http.Request) (string, bool) {
			c, err := a.Extract(r)
			return c.Secret, err == nil
		}))
		k1 := key(t, f, withHeader("Authorization", "Bearer tok-1"))
		k2 := key(t, f, withHeader("X-API-Key", "tok-1"))
		if k1 != k2 || !strings.HasPrefix(k1, "cred:") {
			t.Fatalf("keys %q and %q: want one credential key", k1, k2)
		}
		// A scheme the Authenticator does not accept is no credential.
		if k := key(t, f, withHeader("Authorization", "Basic tok-1")); k != "ip:198.51.100.7" {
			t.Fatalf("key %q, want the client address", k)
		}
	})
	t.Run("header and cookie keys", func(t *testing.T) {
		t.Parallel()
		h := ratelimit.ByHeader("X-Tenant")
		if k := key(t, h, withHeader("X-Tenant", "acme")); !strings.HasPrefix(k, "h:X-Tenant:") || strings.Contains(k, "acme") {
			t.Fatalf("key %q", k)
		}
		if k := key(t, h, request("198.51.100.7:1")); k != "ip:198.51.100.7" {
			t.Fatalf("key %q, want the client address", k)
		}
		c := ratelimit.ByCookie("sid")
		r := request("198.51.100.7:1")
		r.AddCookie(&http.Cookie{Name: "sid", Value: "abc"})
		if k := key(t, c, r); !strings.HasPrefix(k, "c:sid:") || strings.Contains(k, "abc") {
			t.Fatalf("key %q", k)
		}
	})
}
