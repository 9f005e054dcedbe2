package middleware_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// authGPCN makes every failure below h answer in the GPCN style, as the Style
// middleware does in a real service.
func authGPCN(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w, r = errresp.Begin(w, r)
		h.ServeHTTP(w, errresp.WithStyle(r, errresp.GPCN))
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

var authQuiet = middleware.AuthLogger(slog.New(slog.DiscardHandler))

// An API that takes keys as X-API-Key, Authorization: Bearer and
// Authorization: APIKey, checked against an in-memory KeyRing, with a
// permission per route.
func ExampleAuthenticator() {
	var keys middleware.KeyRing
	keys.AddKey("demo-admin-key", &middleware.Principal{ID: "admin", Permissions: []string{"vms:read", "vms:write"}}, time.Time{})
	keys.AddKey("demo-reader-key", &middleware.Principal{ID: "reader", Permissions: []string{"vms:read"}}, time.Time{})
	keys.AddKey("demo-expired-key", &middleware.Principal{ID: "old"}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))

	auth := middleware.NewAuthenticator(&keys, authQuiet)
	list := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "vms for", middleware.PrincipalFrom(r.Context()).ID)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/vms", auth.Require(middleware.RequirePermission("vms:read")(http.HandlerFunc(list))))
	mux.Handle("DELETE /v1/vms/{id}", auth.Require(middleware.RequirePermission("vms:write")(http.HandlerFunc(list))))
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
	// {"success":false,"error":"UNSUPPORTED_AUTH_SCHEME","message":"Given token not valid for any token type. Accepted: X-API-Key header, Authorization: Bearer, Authorization: APIKey."}
	// 401 [Bearer realm="api", error="invalid_token" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"API_KEY_EXPIRED","message":"The API key or token has passed its expiration date."}
	// 403 []
	// {"success":false,"error":"INSUFFICIENT_PERMISSIONS","message":"Missing permission \"vms:write\".","permission":"vms:write"}
}

// A key cut short at a "$" by the shell is refused as malformed before the
// key store is asked, echoing only a short prefix. What "well formed" means
// is the service's to say.
func ExampleAuthWellFormed() {
	var keys middleware.KeyRing
	keys.AddKey("gk_7Hq2$9xQ4rT8vW1zP3mK6", &middleware.Principal{ID: "ci"}, time.Time{})
	auth := middleware.NewAuthenticator(&keys, authQuiet, middleware.AuthWellFormed(func(c middleware.Credential) bool {
		return strings.HasPrefix(c.Secret, "gk_") && len(c.Secret) == 24
	}))
	h := authGPCN(auth.Require(http.NotFoundHandler()))

	// curl -H "X-API-Key: gk_7Hq2$9xQ4rT8vW1zP3mK6" sends "gk_7Hq2".
	authShow(h, "GET", "/", "X-API-Key", "gk_7Hq2")
	// Output:
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"API_KEY_MALFORMED","message":"Bad permanent token: gk..."}
}

// Email and password sign-in with a second factor: an unknown account and a
// wrong password get the same answer after the same work; the right password
// gets TWO_FACTOR_REQUIRED with totpConfigured and a short-lived pending
// cookie, which a second Authenticator (cookie only) accepts on the
// verification route.
func ExamplePasswords() {
	passwords := middleware.Passwords{Iterations: 10_000} // the default is 600 000
	hash, _ := passwords.Hash("correct-horse")
	accounts := map[string]string{"demo@example.com": hash}
	user := &middleware.Principal{ID: "u-demo"}

	var keys, pending middleware.KeyRing
	auth := middleware.NewAuthenticator(&keys, authQuiet)
	twoFactor := middleware.NewAuthenticator(&pending, authQuiet, middleware.AuthSources(middleware.FromCookie),
		middleware.AuthCookie("pending_2fa"))

	signIn := func(w http.ResponseWriter, r *http.Request) {
		// accounts[...] is "" for an unknown email: Check does the same work.
		if err := passwords.Check(accounts[r.FormValue("email")], r.FormValue("password")); err != nil {
			auth.Fail(w, r, err)
			return
		}
		http.SetCookie(w, twoFactor.SessionCookie(pending.IssueSession(user, 5*time.Minute), 5*time.Minute))
		_, _ = errresp.Write(w, r, middleware.ErrTwoFactorRequired(true))
	}
	h := authGPCN(http.HandlerFunc(signIn))

	authShow(h, "POST", "/auth/sign-in/email?email=nobody@example.com&password=x")
	authShow(h, "POST", "/auth/sign-in/email?email=demo@example.com&password=x")
	authShow(h, "POST", "/auth/sign-in/email?email=demo@example.com&password=correct-horse")
	// Output:
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"INVALID_CREDENTIALS","message":"The email or password provided is incorrect."}
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"INVALID_CREDENTIALS","message":"The email or password provided is incorrect."}
	// 400 []
	// {"success":false,"error":"TWO_FACTOR_REQUIRED","message":"Credentials are valid, but 2FA verification is needed to complete sign-in.","totpConfigured":true}
}

// One-time codes, like any secret the service compares itself, are compared
// in constant time.
func ExampleEqualSecret() {
	for _, code := range []string{"123456", "654321"} {
		if !middleware.EqualSecret(code, "123456") {
			body, status := errresp.Render(errresp.GPCN, middleware.ErrInvalidOTP(), "")
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
			_, _ = errresp.Write(w, r, middleware.ErrResourceNotFound())
			return
		}
		if err := middleware.CheckTenant(r.Context(), owner); err != nil {
			_, _ = errresp.Write(w, r, err)
			return
		}
		fmt.Fprintln(w, r.PathValue("id"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /vms/{id}", get)
	h := authGPCN(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, middleware.WithPrincipal(r, &middleware.Principal{ID: "u1", Tenant: "acme"}))
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

// Authenticator-app codes (RFC 6238) are checked against the shared secret
// at an explicit instant; a wrong one is INVALID_OTP, and so is a right one
// sent again (Used remembers what was accepted; nil shares one record for the
// process).
func ExampleTOTP() {
	totp := middleware.TOTP{Secret: []byte("12345678901234567890"), Used: new(middleware.UsedCodes)}
	at := time.Unix(1111111109, 0)
	fmt.Println(totp.Code(at))
	fmt.Println(totp.Check("000000", at))
	fmt.Println(totp.Check("081804", at))
	fmt.Println(totp.Check("081804", at.Add(10*time.Second)))
	// Output:
	// 081804
	// invalid_otp: The 2FA code provided is incorrect or expired.
	// <nil>
	// invalid_otp: The 2FA code provided is incorrect or expired.
}
