package auth_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/apierror/apierror/errresp"
)

func TestSignInSameAnswerForUnknownAccount(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			wrong := authServe(f.mux, s, "req-wrong-password", authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"nope"}`))
			unknown := authServe(f.mux, s, "req-unknown-account", authReq("POST", "/auth/sign-in/email", `{"email":"nobody@example.com","password":"nope"}`))
			a := bytes.ReplaceAll(wrong.Body.Bytes(), []byte("req-wrong-password"), []byte("ID"))
			b := bytes.ReplaceAll(unknown.Body.Bytes(), []byte("req-unknown-account"), []byte("ID"))
			if !bytes.Equal(a, b) || wrong.Code != unknown.Code {
				t.Errorf("wrong password (%d):\n%s\nunknown account (%d):\n%s", wrong.Code, a, unknown.Code, b)
			}
			wrong.Header().Del(errresp.HeaderRequestID)
			unknown.Header().Del(errresp.HeaderRequestID)
			if fmt.Sprint(wrong.Header()) != fmt.Sprint(unknown.Header()) {
				t.Errorf("headers differ:\n%v\n%v", wrong.Header(), unknown.Header())
			}
		})
	}
}

func TestSignInFlow(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	rec := authServe(f.mux, errresp.GPCN(), "r1", authReq("POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`))
	if rec.Code != 400 {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	pending := rec.Result().Cookies()[0]
	rec = authServe(f.mux, errresp.GPCN(), "r2", authReq("POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`, "Cookie", pending.String()))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "session" || cookies[0].MaxAge != 3600 || !cookies[0].HttpOnly {
		t.Fatalf("verify cookies = %v", cookies)
	}
	rec = authServe(f.mux, errresp.GPCN(), "r3", authReq("GET", "/v1/vms", "", "Cookie", "session="+cookies[0].Value))
	if rec.Code != 200 || rec.Body.String() != "hello u-admin" {
		t.Fatalf("with session: %d %s", rec.Code, rec.Body)
	}
	// Without the pending cookie, the second step is not authenticated.
	rec = authServe(f.mux, errresp.GPCN(), "r4", authReq("POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`))
	if rec.Code != 401 || !slices.Equal(rec.Header().Values("WWW-Authenticate"), []string{`Cookie realm="api", cookie="pending_2fa"`}) {
		t.Fatalf("verify without cookie: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}
