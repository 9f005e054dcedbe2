package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
)

func TestEqualSecret(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want bool
	}{
		{"123456", "123456", true},
		{"123456", "123457", false},
		{"123456", "1234567", false},
		{"", "", true},
		{"", "0", false},
	}
	for _, tc := range cases {
		t.Run(tc.a+"|"+tc.b, func(t *testing.T) {
			t.Parallel()
			if got := auth.EqualSecret(tc.a, tc.b); got != tc.want {
				t.Errorf("EqualSecret = %v", got)
			}
		})
	}
}

func TestKeyRing(t *testing.T) {
	t.Parallel()
	// Sessions that have ended by the wall clock are swept when others are
	// added, so the instants are taken from it; VerifyAt gets them explicitly.
	now := time.Now()
	var k auth.KeyRing
	k.AddKey("key-a", admin, now.Add(time.Hour))
	k.AddSession("sess-a", reader, now.Add(time.Minute))
	cases := []struct {
		name string
		c    auth.Credential
		at   time.Time
		want *principal.Principal
		kind errresp.Kind
	}{
		{"key", auth.Credential{auth.FromAPIKeyHeader, "key-a"}, now, admin, errresp.Unknown},
		{"key as bearer", auth.Credential{auth.FromBearer, "key-a"}, now, admin, errresp.Unknown},
		{"key at its expiry", auth.Credential{auth.FromAPIKeyScheme, "key-a"}, now.Add(time.Hour), nil, errresp.CredentialExpired},
		{"key as cookie", auth.Credential{auth.FromCookie, "key-a"}, now, nil, errresp.SessionExpired},
		{"unknown key", auth.Credential{auth.FromAPIKeyHeader, "key-b"}, now, nil, errresp.CredentialInvalid},
		{"session", auth.Credential{auth.FromCookie, "sess-a"}, now, reader, errresp.Unknown},
		{"session just before its end", auth.Credential{auth.FromCookie, "sess-a"}, now.Add(time.Minute - 1), reader, errresp.Unknown},
		{"session ended", auth.Credential{auth.FromCookie, "sess-a"}, now.Add(time.Minute), nil, errresp.SessionExpired},
		{"session as a key", auth.Credential{auth.FromAPIKeyHeader, "sess-a"}, now, nil, errresp.CredentialInvalid},
		{"unknown session", auth.Credential{auth.FromCookie, "sess-b"}, now, nil, errresp.SessionExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := k.VerifyAt(tc.c, tc.at)
			if p != tc.want || errresp.KindOf(err) != tc.kind {
				t.Errorf("got %v %v, want %v %v", p, err, tc.want, tc.kind)
			}
		})
	}
}

func TestKeyRingRevokeAndSweep(t *testing.T) {
	t.Parallel()
	var k auth.KeyRing
	k.AddKey("key", admin, time.Time{})
	if !k.Revoke("key") || k.Revoke("key") {
		t.Errorf("Revoke reports wrongly")
	}
	if _, err := k.Verify(context.Background(), auth.Credential{auth.FromAPIKeyHeader, "key"}); errresp.KindOf(err) != errresp.CredentialInvalid {
		t.Errorf("revoked key: %v", err)
	}
	for i := range 100 {
		k.AddSession(fmt.Sprint("old-", i), admin, past)
	}
	id := k.IssueSession(admin, time.Hour)
	if len(id) < 26 {
		t.Errorf("session id %q is short", id)
	}
	n, held := k.Sessions()
	if n >= 100 || n != held {
		t.Errorf("ended sessions kept: %d counted, %d held", n, held)
	}
	if p, err := k.Verify(context.Background(), auth.Credential{auth.FromCookie, id}); p != admin || err != nil {
		t.Errorf("issued session: %v %v", p, err)
	}
	if !k.Revoke(id) {
		t.Errorf("issued session not revoked")
	}
}

// A pending sign-in allows MaxWrongCodes-1 wrong codes; the next ends it,
// whichever addresses they came from, and the right code no longer works.
func TestWrongCodeCap(t *testing.T) {
	t.Parallel()
	pend := new(auth.KeyRing)
	pend.AddSession(pendingTok, admin, time.Time{})
	a := auth.New(pend, authQuiet, auth.WithGuard(nil), auth.WithSources(auth.FromCookie), auth.WithCookie("pending_2fa"))
	h := gpcnStack(a.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("pending_2fa")
		if r.FormValue("code") != demoCode {
			a.Fail(w, r, pend.WrongCode(c.Value))
			return
		}
		pend.Revoke(c.Value)
		w.WriteHeader(http.StatusNoContent)
	})))
	try := func(code string, addr int) (int, map[string]any) {
		resp := guardDo(h, "POST", "/?code="+code, fmt.Sprintf("203.0.113.%d:1", addr), "Cookie", "pending_2fa="+pendingTok)
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	for i := 1; i < auth.MaxWrongCodes; i++ {
		if st, body := try("000000", i); st != 400 || body["error"] != "INVALID_OTP" {
			t.Fatalf("wrong code %d: %d %v, want 400 INVALID_OTP", i, st, body)
		}
	}
	if st, body := try("000000", auth.MaxWrongCodes); st != 401 || body["error"] != "SESSION_EXPIRED" || !strings.Contains(fmt.Sprint(body["message"]), "Too many wrong codes") {
		t.Fatalf("wrong code %d: %d %v, want 401 SESSION_EXPIRED, too many wrong codes", auth.MaxWrongCodes, st, body)
	}
	if st, body := try(demoCode, auth.MaxWrongCodes+1); st != 401 || body["error"] != "SESSION_EXPIRED" {
		t.Errorf("the right code after the cap: %d %v, want 401 SESSION_EXPIRED", st, body)
	}
	if err := pend.WrongCode("unknown"); errresp.KindOf(err) != errresp.SessionExpired {
		t.Errorf("WrongCode of an unknown id = %v, want SessionExpired", err)
	}
	if n, _ := pend.Sessions(); n != 0 {
		t.Errorf("%d sessions held after the revocation", n)
	}
}
