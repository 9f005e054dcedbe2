package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
)

func permOK(w http.ResponseWriter, r *http.Request) {
	fmt.Fprint(w, "ok ", principal.FromContext(r.Context()).ID)
}

func TestRequirePermission(t *testing.T) {
	t.Parallel()
	ops := &principal.Principal{ID: "u-ops", Permissions: []string{"vms:read", "vms:reboot"}}
	h := auth.RequirePermission("vms:read", "vms:write", "vms:reboot")(http.HandlerFunc(permOK))
	cases := []struct {
		name       string
		principal  *principal.Principal
		status     int
		permission string // named in the answer
	}{
		{"all held", &principal.Principal{ID: "u1", Permissions: []string{"vms:reboot", "vms:write", "vms:read"}}, 200, ""},
		{"one missing", ops, 403, "vms:write"},
		{"none held", &principal.Principal{ID: "u2"}, 403, "vms:read"},
		{"no principal", nil, 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := authReq("POST", "/v1/tenants/t9/vms/42/reboot", "")
			if tc.principal != nil {
				r = principal.RequestWith(r, tc.principal)
			}
			rec := authServe(h, errresp.GPCN(), "id", r)
			if rec.Code != tc.status {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if tc.status == 200 {
				return
			}
			d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
			if tc.status == 401 {
				// Without an Authenticator in front, the challenges are the
				// default sources'.
				want := []string{`Bearer realm="api"`, `APIKey realm="api", header="X-API-Key"`}
				if d.Kind != errresp.NotAuthenticated || !slices.Equal(rec.Header().Values("WWW-Authenticate"), want) {
					t.Errorf("got %v %q", d.Kind, rec.Header().Values("WWW-Authenticate"))
				}
				return
			}
			if d.Kind != errresp.PermissionDenied || d.Info["permission"] != tc.permission || !strings.Contains(d.Message, `"`+tc.permission+`"`) {
				t.Errorf("got %v %q %v, want permission %s named", d.Kind, d.Message, d.Info, tc.permission)
			}
			// The refusal is about the caller, not the resource.
			for _, leak := range []string{"t9", "42", "tenants", "/v1/"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("body mentions %q: %s", leak, rec.Body)
				}
			}
			if len(rec.Header().Values("WWW-Authenticate")) != 0 {
				t.Errorf("a 403 carries a challenge: %v", rec.Header())
			}
		})
	}
}

func TestRequireScope(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	h := f.auth.Require(auth.RequireScope("vms:read", "vms:write")(http.HandlerFunc(permOK)))
	cases := []struct {
		name      string
		header    []string
		principal *principal.Principal // set with principal.RequestWith instead of a header
		status    int
		challenge []string
	}{
		{"bearer, scope missing", []string{"Authorization", "Bearer " + adminKey}, nil, 403,
			[]string{`Bearer realm="api", error="insufficient_scope", scope="vms:read vms:write"`}},
		{"X-API-Key, scope missing", []string{"X-API-Key", adminKey}, nil, 403, nil},
		{"no credentials", nil, nil, 401, challengePlain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := authServe(h, errresp.AuthPI(), "id", authReq("GET", "/", "", tc.header...))
			if got := rec.Header().Values("WWW-Authenticate"); rec.Code != tc.status || !slices.Equal(got, tc.challenge) {
				t.Errorf("got %d %q, want %d %q", rec.Code, got, tc.status, tc.challenge)
			}
			if tc.status == 403 {
				d := errresp.DecodeBody(rec.Code, "", rec.Body.Bytes())
				if d.Kind != errresp.InsufficientScope || d.Info["scope"] != "vms:write" {
					t.Errorf("got %v %v", d.Kind, d.Info)
				}
			}
		})
	}
	// Granted every scope: through.
	granted := auth.RequireScope("a", "b")(http.HandlerFunc(permOK))
	rec := authServe(granted, errresp.AuthPI(), "id", principal.RequestWith(authReq("GET", "/", ""), &principal.Principal{ID: "svc", Scopes: []string{"b", "a"}}))
	if rec.Code != 200 || rec.Body.String() != "ok svc" {
		t.Errorf("granted: %d %s", rec.Code, rec.Body)
	}
}

func TestCheckTenant(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		principal *principal.Principal
		tenant    string
		ok        bool
	}{
		{"same tenant", &principal.Principal{ID: "a", Tenant: "t1"}, "t1", true},
		{"other tenant", &principal.Principal{ID: "a", Tenant: "t1"}, "t2", false},
		{"no principal", nil, "t1", false},
		{"tenantless principal, tenant's resource", &principal.Principal{ID: "a"}, "t1", false},
		{"tenantless principal, tenantless resource", &principal.Principal{ID: "a"}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tc.principal != nil {
				ctx = principal.RequestWith(authReq("GET", "/", ""), tc.principal).Context()
			}
			err := auth.CheckTenant(ctx, tc.tenant)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckTenant = %v, want ok %v", err, tc.ok)
			}
			if err != nil && errresp.KindOf(err) != errresp.NotFound {
				t.Errorf("kind = %v, want NotFound", errresp.KindOf(err))
			}
		})
	}
}

// A resource in another tenant and a resource that does not exist give the
// same answer, byte for byte, in every style.
func TestOtherTenantLooksAbsent(t *testing.T) {
	t.Parallel()
	vms := map[string]string{"vm-1": "t1", "vm-2": "t2"}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		owner, ok := vms[r.URL.Query().Get("id")]
		if !ok {
			_, _ = errresp.Write(w, r, auth.NewResourceNotFound())
			return
		}
		if err := auth.CheckTenant(r.Context(), owner); err != nil {
			_, _ = errresp.Write(w, r, err)
			return
		}
		fmt.Fprint(w, "vm")
	})
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			as := func(id string) []byte {
				rec := authServe(h, s, "same-id", principal.RequestWith(authReq("GET", "/?id="+id, ""), admin))
				return rec.Body.Bytes()
			}
			other, absent := as("vm-2"), as("vm-404")
			if !bytes.Equal(other, absent) || bytes.Contains(other, []byte("t2")) {
				t.Errorf("other tenant:\n%s\nabsent:\n%s", other, absent)
			}
			if own := as("vm-1"); string(own) != "vm" {
				t.Errorf("own resource: %s", own)
			}
		})
	}
}
