package idempotency_test

import (
	"net/http"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
)

// The options that change what a request is: the methods covered, the
// headers fingerprinted, the scope of keys.
func TestOptions(t *testing.T) {
	t.Parallel()
	t.Run("methods", func(t *testing.T) {
		t.Parallel()
		h := &machines{}
		srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithMethods(http.MethodPut)), h)
		post(t, srv, "k", `{}`)
		post(t, srv, "k", `{}`)
		if h.runs.Load() != 2 {
			t.Errorf("a POST is covered though only PUT is: %d runs", h.runs.Load())
		}
	})
	t.Run("fingerprint headers", func(t *testing.T) {
		t.Parallel()
		h := &machines{}
		srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(),
			idempotency.WithFingerprintHeaders("x-account")), h)
		post(t, srv, "k", `{}`, "X-Account", "a")
		if w := post(t, srv, "k", `{}`, "X-Account", "b"); w.Code != 422 {
			t.Errorf("another X-Account: %d; want 422", w.Code)
		}
		// Content-Type is no longer part of it.
		if w := post(t, srv, "k", `{}`, "X-Account", "a", "Content-Type", "text/plain"); w.Header().Get(idempotency.ReplayHeader) != "true" {
			t.Errorf("another Content-Type with the headers replaced: %d; want the replay", w.Code)
		}
	})
	t.Run("scope", func(t *testing.T) {
		t.Parallel()
		h := &machines{}
		byTenant := func(r *http.Request) (string, error) { return r.Header.Get("X-Tenant"), nil }
		srv := stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithScope(byTenant)), h)
		post(t, srv, "k", `{}`, "X-Tenant", "t1")
		post(t, srv, "k", `{}`, "X-Tenant", "t2")
		if w := post(t, srv, "k", `{}`, "X-Tenant", "t1"); h.runs.Load() != 2 || w.Header().Get(idempotency.ReplayHeader) != "true" {
			t.Errorf("two tenants, one key: %d runs; the first tenant's retry %d", h.runs.Load(), w.Code)
		}
		failing := func(r *http.Request) (string, error) { return "", errresp.New(errresp.NotAuthenticated, "who?") }
		srv = stack(errresp.Problem(), idempotency.New(idempotency.NewMemoryStore(), idempotency.WithScope(failing)), h)
		if w := post(t, srv, "k", `{}`); w.Code != 401 {
			t.Errorf("a scope that fails: %d; want its error", w.Code)
		}
	})
	t.Run("bad values panic", func(t *testing.T) {
		t.Parallel()
		for name, f := range map[string]func(){
			"nil store":     func() { idempotency.New(nil) },
			"no methods":    func() { idempotency.WithMethods() },
			"nil scope":     func() { idempotency.WithScope(nil) },
			"key length":    func() { idempotency.WithMaxKeyLength(0) },
			"lease":         func() { idempotency.WithLease(0) },
			"negative wait": func() { idempotency.WithWait(-1) },
			"max keys":      func() { idempotency.MemoryMaxKeys(0) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic", name)
					}
				}()
				f()
			}()
		}
	})
}
