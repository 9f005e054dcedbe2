package principal_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
)

var (
	admin  = &principal.Principal{ID: "u-admin", Tenant: "t1", Permissions: []string{"vms:read", "vms:write"}, Scopes: []string{"vms:read"}}
	reader = &principal.Principal{ID: "u-reader", Tenant: "t1", Permissions: []string{"vms:read"}}
)

func TestContext(t *testing.T) {
	t.Parallel()
	type k struct{}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(context.WithValue(r.Context(), k{}, "parent value"))
	r = errresp.WithRequestID(r, "rid")
	if principal.FromContext(r.Context()) != nil {
		t.Fatal("principal before RequestWith")
	}
	r = principal.RequestWith(r, admin)
	ctx, cancel := context.WithCancel(r.Context())
	if principal.FromContext(ctx) != admin || ctx.Value(k{}) != "parent value" || errresp.RequestID(ctx) != "rid" {
		t.Errorf("values lost through the principal's context")
	}
	cancel()
	<-ctx.Done()
	r2 := principal.RequestWith(r, reader)
	if principal.FromContext(r2.Context()) != reader || principal.FromContext(r.Context()) != admin {
		t.Errorf("RequestWith did not copy")
	}
	if principal.FromContext(principal.NewContext(r2.Context(), nil)) != nil {
		t.Errorf("a nil principal does not make the request anonymous")
	}
}

func TestHas(t *testing.T) {
	t.Parallel()
	var none *principal.Principal
	cases := []struct {
		name        string
		p           *principal.Principal
		permission  string
		scope       string
		has, scoped bool
	}{
		{"admin writes", admin, "vms:write", "vms:read", true, true},
		{"reader does not write", reader, "vms:write", "vms:read", false, false},
		{"reader reads", reader, "vms:read", "vms:write", true, false},
		{"nil holds nothing", none, "vms:read", "vms:read", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.p.Has(tc.permission); got != tc.has {
				t.Errorf("Has(%q) = %v, want %v", tc.permission, got, tc.has)
			}
			if got := tc.p.HasScope(tc.scope); got != tc.scoped {
				t.Errorf("HasScope(%q) = %v, want %v", tc.scope, got, tc.scoped)
			}
		})
	}
}

func BenchmarkFromContext(b *testing.B) {
	ctx := principal.NewContext(context.Background(), admin)
	b.ReportAllocs()
	for b.Loop() {
		if principal.FromContext(ctx) != admin {
			b.Fatal("lost")
		}
	}
}
