package auth_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
)

// FuzzAuthenticate sends arbitrary credential headers through Require: the
// answer is always a 401 envelope (or the handler, for a real key), never a
// panic or a 5xx, and a malformed credential's message echoes at most a short
// prefix of it.
func FuzzAuthenticate(f *testing.F) {
	f.Add("Bearer "+adminKey, "", "")
	f.Add("Basic eDp5", "", "")
	f.Add("", "short", "")
	f.Add("APIKey", "k", "session=x")
	f.Add("", "", "session="+oldSess)
	f.Add("bearer \x00\xff", "", "session=\"\"")
	fx := newAuthFixture()
	f.Fuzz(func(t *testing.T, authz, key, cookie string) {
		rq := authReq("GET", "/v1/maybe", "")
		if authz != "" {
			rq.Header["Authorization"] = []string{authz}
		}
		if key != "" {
			rq.Header["X-Api-Key"] = []string{key}
		}
		if cookie != "" {
			rq.Header["Cookie"] = []string{cookie}
		}
		c, extractErr := fx.auth.Extract(rq)
		rec := authServe(fx.mux, errresp.Gcore(), "fz", rq)
		if rec.Code == 200 {
			return
		}
		if rec.Code != 401 {
			t.Fatalf("status %d for %q %q %q: %s", rec.Code, authz, key, cookie, rec.Body)
		}
		d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
		if d.Kind == errresp.Internal || d.Kind == errresp.Unknown || len(rec.Header().Values("WWW-Authenticate")) == 0 {
			t.Fatalf("answer %v %v", d.Kind, rec.Header())
		}
		if errresp.KindOf(extractErr) == errresp.CredentialMalformed && strings.HasPrefix(d.Message, "Bad permanent token: ") {
			p := strings.TrimSuffix(strings.TrimPrefix(d.Message, "Bad permanent token: "), "...")
			if len(p) > 6 || len(p) > len(c.Secret)/3 || !strings.HasPrefix(c.Secret, p) {
				t.Fatalf("echoed %q of secret %q", p, c.Secret)
			}
		}
	})
}

func BenchmarkAuthenticated(b *testing.B) {
	f := newAuthFixture()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	h := f.auth.Require(auth.RequirePermission("vms:read")(ok))
	// With a guard: the key remembered as valid, and not (each request
	// reserves a failure and gives it back).
	remembered := newAuthFixture(auth.WithGuard(auth.NewFailureGuard())).auth.Require(ok)
	forgotten := newAuthFixture(auth.WithGuard(auth.NewFailureGuard(auth.GuardRemember(0, time.Minute)))).auth.Require(ok)
	cases := []struct {
		name    string
		handler http.Handler
		header  []string
	}{
		{"baseline", ok, nil},
		{"X-API-Key", h, []string{"X-Api-Key", adminKey}},
		{"Bearer", h, []string{"Authorization", "Bearer " + adminKey}},
		{"cookie", h, []string{"Cookie", "session=" + liveSess}},
		{"refused", h, []string{"X-Api-Key", "nobody-key-0123456789"}},
		{"guarded", remembered, []string{"X-Api-Key", adminKey}},
		{"guarded-at-door", forgotten, []string{"X-Api-Key", adminKey}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				rq := authReq("GET", "/v1/vms", "", bc.header...)
				w := &authBenchWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					bc.handler.ServeHTTP(w, rq)
				}
			})
		})
	}
}

// authBenchWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the middleware, not a recorder.
type authBenchWriter struct{ h http.Header }

func (w *authBenchWriter) Header() http.Header { return w.h }

func (w *authBenchWriter) Write(b []byte) (int, error) { return len(b), nil }

func (w *authBenchWriter) WriteHeader(int) {}

// FuzzSessionIDs reads arbitrary cookie values as session ids: Issued never
// panics, accepts what Sign made and nothing it did not, not even the
// signed id with its last byte changed.
func FuzzSessionIDs(f *testing.F) {
	ids := auth.NewSessionIDs([]byte(strings.Repeat("k", 32)))
	f.Add("demo-expired-session")
	f.Add(ids.New())
	f.Add(".")
	f.Add("a.b.c")
	f.Add("\x00\xff.")
	f.Fuzz(func(t *testing.T, s string) {
		_ = ids.Issued(s)
		if strings.Contains(s, ".") {
			return
		}
		signed := ids.Sign(s)
		if !ids.Issued(signed) {
			t.Fatalf("Issued(Sign(%q)) = false", s)
		}
		last := signed[len(signed)-1]
		if ids.Issued(signed[:len(signed)-1] + string(last^1)) {
			t.Fatalf("an altered id %q is taken as issued", signed)
		}
	})
}
