package signin_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
)

// quiet keeps the examples' expected failures out of the output.
var quiet = auth.WithLogger(slog.New(slog.DiscardHandler))

// show sends one request to h, answering in the GPCN style as the Style
// middleware does in a real service, and prints the status, the challenges
// and the body.
func show(h http.Handler, method, target string) {
	rec := httptest.NewRecorder()
	w, r := errresp.Begin(rec, httptest.NewRequest(method, target, nil))
	h.ServeHTTP(w, errresp.WithStyle(r, errresp.GPCN()))
	fmt.Println(rec.Code, rec.Header().Values("WWW-Authenticate"))
	fmt.Print(rec.Body.String())
}

// Email and password sign-in with a second factor: an unknown account and a
// wrong password get the same answer after the same work; the right password
// gets TWO_FACTOR_REQUIRED with totpConfigured and a short-lived pending
// cookie, which a second Authenticator (cookie only) accepts on the
// verification route.
func ExamplePasswords() {
	passwords := signin.Passwords{Iterations: 10_000} // the default is 600 000
	hash, _ := passwords.Hash("correct-horse")
	accounts := map[string]string{"demo@example.com": hash}
	user := &principal.Principal{ID: "u-demo"}

	var keys, pending auth.KeyRing
	a := auth.New(&keys, quiet)
	twoFactor := auth.New(&pending, quiet, auth.WithSources(auth.FromCookie),
		auth.WithCookie("pending_2fa"))

	signIn := func(w http.ResponseWriter, r *http.Request) {
		// accounts[...] is "" for an unknown email: Check does the same work.
		if err := passwords.Check(accounts[r.FormValue("email")], r.FormValue("password")); err != nil {
			a.Fail(w, r, err)
			return
		}
		http.SetCookie(w, twoFactor.SessionCookie(pending.IssueSession(user, 5*time.Minute), 5*time.Minute))
		_, _ = errresp.Write(w, r, signin.NewTwoFactorRequired(true))
	}
	h := http.HandlerFunc(signIn)

	show(h, "POST", "/auth/sign-in/email?email=nobody@example.com&password=x")
	show(h, "POST", "/auth/sign-in/email?email=demo@example.com&password=x")
	show(h, "POST", "/auth/sign-in/email?email=demo@example.com&password=correct-horse")
	// Output:
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"INVALID_CREDENTIALS","message":"The email or password provided is incorrect."}
	// 401 [Bearer realm="api" APIKey realm="api", header="X-API-Key"]
	// {"success":false,"error":"INVALID_CREDENTIALS","message":"The email or password provided is incorrect."}
	// 400 []
	// {"success":false,"error":"TWO_FACTOR_REQUIRED","message":"Credentials are valid, but 2FA verification is needed to complete sign-in.","totpConfigured":true}
}

// Authenticator-app codes (RFC 6238) are checked against the shared secret
// at an explicit instant; a wrong one is INVALID_OTP, and so is a right one
// sent again (Used remembers what was accepted; nil shares one record for the
// process).
func ExampleTOTP() {
	totp := signin.TOTP{Secret: []byte("12345678901234567890"), Used: new(signin.UsedCodes)}
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
