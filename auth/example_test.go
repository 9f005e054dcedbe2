package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
)

// authGPCN makes every failure below h answer in the GPCN style, as the Style
// middleware does in a real service.
func authGPCN(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w, r = errresp.Begin(w, r)
		h.ServeHTTP(w, errresp.WithStyle(r, errresp.GPCN()))
	})
}

// authShow sends one request and prints the status, the challenges and the body.
func authShow(h http.Handler, method, target string, header ...string) {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Header().Values("WWW-Authenticate"))
	fmt.Print(rec.Body.String())
}

// An API that takes keys as X-API-Key, Authorization: Bearer and
// Authorization: APIKey, checked against an in-memory KeyRing, with a
// permission per route.
func ExampleAuthenticator() {
	var keys auth.KeyRing
	keys.AddKey("demo-admin-key", &principal.Principal{ID: "admin", Permissions: []string{"vms:read", "vms:write"}}, time.Time{})
	keys.AddKey("demo-reader-key", &principal.Principal{ID: "reader", Permissions: []string{"vms:read"}}, time.Time{})
	keys.AddKey("demo-expired-key", &principal.Principal{ID: "old"}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))

	a := auth.New(&keys, authQuiet)
	list := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "vms for", principal.FromContext(r.Context()).ID)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/vms", a.Require(auth.RequirePermission("vms:read")(http.HandlerFunc(list))))
	mux.Handle("DELETE /v1/vms/{id}", a.Require(auth.RequirePermission("vms:write")(http.HandlerFunc(list))))
	h := authGPCN(mux)

	authShow(h, "GET", "/v1/vms", "Authorization", "APIKey demo-reader-key")
	authShow(h, "GET", "/v1/vms")
	authShow(h, "GET", "/v1/vms", "Authorization", "Basic ZGVtbzpkZW1v")
	authShow(h, "GET", "/v1/vms", "Authorization", "Bearer demo-expired-key")
	authShow(h, "DELETE", "/v1/vms/1", "X-API-Key", "demo-reader-key")
	// Output:
	// 200 []
	// vms for reader
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"NOT_AUTHENTICATED","message":"Authentication credentials were not provided."}
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"UNSUPPORTED_AUTH_SCHEME","message":"The credential was sent in a way this API does not accept.","accepted":"X-API-Key header, Authorization: Bearer, Authorization: APIKey"}
	// 401 [Bearer realm="api", error="invalid_token" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"API_KEY_EXPIRED","message":"The API key or token has passed its expiration date."}
	// 403 []
	// {"success":false,"error":"INSUFFICIENT_PERMISSIONS","message":"Missing permission \"vms:write\".","permission":"vms:write"}
}

// A key cut short at a "$" by the shell is refused as malformed before the
// key store is asked, echoing only a short prefix. What "well formed" means
// is the service's to say.
func ExampleWithWellFormed() {
	var keys auth.KeyRing
	keys.AddKey("gk_7Hq2$9xQ4rT8vW1zP3mK6", &principal.Principal{ID: "ci"}, time.Time{})
	a := auth.New(&keys, authQuiet, auth.WithWellFormed(func(c auth.Credential) bool {
		return strings.HasPrefix(c.Secret, "gk_") && len(c.Secret) == 24
	}))
	h := authGPCN(a.Require(http.NotFoundHandler()))

	// curl -H "X-API-Key: gk_7Hq2$9xQ4rT8vW1zP3mK6" sends "gk_7Hq2".
	authShow(h, "GET", "/", "X-API-Key", "gk_7Hq2")
	// Output:
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"API_KEY_MALFORMED","message":"Bad permanent token: gk..."}
}

// One-time codes, like any secret the service compares itself, are compared
// in constant time.
func ExampleEqualSecret() {
	for _, code := range []string{"123456", "654321"} {
		if !auth.EqualSecret(code, "123456") {
			body, status := errresp.Render(errresp.GPCN(), auth.NewInvalidOTP(), "")
			fmt.Print(status, " ", string(body))
			continue
		}
		fmt.Println("code accepted")
	}
	// Output:
	// code accepted
	// 400 {"success":false,"error":"INVALID_OTP","message":"The 2FA code provided is incorrect or expired."}
}

// A resource in another tenant is answered exactly as one that does not
// exist: a 403 would tell the caller the identifier is in use.
func ExampleCheckTenant() {
	owners := map[string]string{"vm-1": "acme", "vm-2": "globex"}
	get := func(w http.ResponseWriter, r *http.Request) {
		owner, ok := owners[r.PathValue("id")]
		if !ok {
			_, _ = errresp.Write(w, r, auth.NewResourceNotFound())
			return
		}
		if err := auth.CheckTenant(r.Context(), owner); err != nil {
			_, _ = errresp.Write(w, r, err)
			return
		}
		fmt.Fprintln(w, r.PathValue("id"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /vms/{id}", get)
	h := authGPCN(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, principal.RequestWith(r, &principal.Principal{ID: "u1", Tenant: "acme"}))
	}))

	for _, id := range []string{"vm-1", "vm-2", "vm-3"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/vms/"+id, nil))
		body, _ := io.ReadAll(rec.Body)
		fmt.Print(rec.Code, " ", string(body))
	}
	// Output:
	// 200 vm-1
	// 404 {"success":false,"error":"NOT_FOUND","message":"The requested resource does not exist."}
	// 404 {"success":false,"error":"NOT_FOUND","message":"The requested resource does not exist."}
}

// A failure is reserved when a credential is tried and given back when it
// proves valid, so concurrent guesses cannot pass the cap.
func ExampleFailureGuard_ReserveAt() {
	g := auth.NewFailureGuard(auth.GuardLimit(2, time.Minute))
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, valid := range []bool{true, false, false, false} {
		res, err := g.ReserveAt(ctx, "192.0.2.1", now)
		switch {
		case err != nil:
			e := errresp.From(err)
			fmt.Println(i+1, e.Kind, "retry after", e.RetryAfter)
		case valid:
			res.Cancel()
			fmt.Println(i+1, "valid: given back")
		default:
			fmt.Println(i+1, "wrong: counted")
		}
	}
	// Output:
	// 1 valid: given back
	// 2 wrong: counted
	// 3 wrong: counted
	// 4 rate_limited retry after 1m0s
}

// Session ids carry a MAC, so a cookie of a session that has ended is told
// from a guess without keeping ended sessions.
func ExampleSessionIDs() {
	ids := auth.NewSessionIDs([]byte("a key of 32 bytes, from secrets!"))
	id := ids.Sign("s-42") // or ids.New(), 128 random bits
	fmt.Println(id)
	fmt.Println(ids.Issued(id), ids.Issued("s-42.forged"), ids.Issued("s-42"))
	// Output:
	// s-42.p4k7UQVGqwwx-Z1bI4vvMw
	// true false false
}
