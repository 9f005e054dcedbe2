package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
)

// Cross-site requests with the session cookie, another caller's machine,
// sign-out and strict query parameters.
func walkHardening(t *testing.T, s *server) {
	signInDemo(t, s) // the session cookie is in s's jar from now on
	crossSite := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}

	resp, body := s.do(t, "POST", "/v1/vms", validVM("web-1"), crossSite...)
	if e := s.fail(t, resp, body, errresp.PermissionDenied); !strings.HasPrefix(e.Message, "Cross-origin request refused") {
		t.Errorf("cross-site POST: message %q", e.Message)
	}
	resp, body = s.do(t, "POST", "/v1/vms", validVM("web-1"), "Sec-Fetch-Site", "same-origin")
	var mine vm
	s.ok(t, resp, body, 201, &mine)
	resp, body = s.do(t, "DELETE", "/v1/vms/"+mine.ID, "", crossSite...)
	s.fail(t, resp, body, errresp.PermissionDenied)
	resp, body = s.do(t, "GET", "/v1/vms/"+mine.ID, "", crossSite...) // a safe method goes through
	s.ok(t, resp, body, 200, nil)
	resp, body = s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"x"}`, crossSite...)
	s.fail(t, resp, body, errresp.PermissionDenied)

	// Another caller's machine is one that does not exist.
	resp, body = s.do(t, "POST", "/v1/vms", validVM("admin-1"), asAdmin...)
	var theirs vm
	s.ok(t, resp, body, 201, &theirs)
	resp, body = s.do(t, "PUT", "/v1/vms/"+theirs.ID, validVM("taken"), "If-Match", `"v1"`)
	notFound := s.fail(t, resp, body, errresp.NotFound)
	resp, body = s.do(t, "DELETE", "/v1/vms/"+theirs.ID, "")
	s.fail(t, resp, body, errresp.NotFound)
	resp, body = s.do(t, "DELETE", "/v1/vms/"+sampleID, "")
	if absent := s.fail(t, resp, body, errresp.NotFound); absent.Message != notFound.Message {
		t.Errorf("another caller's machine (%q) and no machine (%q) are told apart", notFound.Message, absent.Message)
	}
	resp, body = s.do(t, "DELETE", "/v1/vms/"+theirs.ID, "", asAdmin...)
	s.ok(t, resp, body, 204, nil)
	resp, body = s.do(t, "DELETE", "/v1/vms/"+mine.ID, "")
	s.ok(t, resp, body, 204, nil)

	// Strict query parameters.
	for _, q := range []string{"ms=%zz", "ms=1;ms=2", "ms=1&ms=2"} {
		resp, body = s.do(t, "GET", "/v1/slow?"+q, "", asReader...)
		if e := s.fail(t, resp, body, errresp.InvalidRequest); len(e.Fields) != 1 || e.Fields[0].Field != "ms" {
			t.Errorf("?%s: fields %+v, want one naming ms", q, e.Fields)
		}
	}

	// Sign-out ends the session and clears the cookie.
	u := s.base + "/"
	req, _ := http.NewRequest("GET", u, nil)
	cookies := s.client.Jar.Cookies(req.URL)
	i := slices.IndexFunc(cookies, func(c *http.Cookie) bool { return c.Name == "session" })
	if i < 0 {
		t.Fatal("no session cookie")
	}
	old := cookies[i].Value
	resp, body = s.do(t, "POST", "/auth/sign-out", "")
	s.ok(t, resp, body, 204, nil)
	if !slices.ContainsFunc(resp.Cookies(), func(c *http.Cookie) bool { return c.Name == "session" && c.MaxAge < 0 }) {
		t.Errorf("sign-out did not clear the cookie: %q", resp.Header.Values("Set-Cookie"))
	}
	resp, body = s.do(t, "GET", "/v1/vms", "", "Cookie", "session="+old)
	s.fail(t, resp, body, errresp.SessionExpired)
}

// Guessing one-time codes, API keys and passwords.
// A stale browser tab: a session that has ended, sent again and again from
// one address, is answered 401 each time and never counts against the
// address, whose valid credentials still pass; forged session ids do count:
// a key not seen valid before is then refused, while the key that proved
// valid a moment before goes on.
func walkStaleTab(t *testing.T, s *server) {
	if want := "demo-expired-session.ObiPrZCJoKBLmuKTbQPZbw"; expiredSession != want { // as the README shows it
		t.Fatalf("the demo's ended session is %q, want %q", expiredSession, want)
	}
	resp, body := s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	s.fail(t, resp, body, errresp.TwoFactorRequired)
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`)
	s.ok(t, resp, body, 200, nil)
	var session string
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			session = c.Value
		}
	}
	resp, body = s.do(t, "POST", "/auth/sign-out", "")
	if resp.StatusCode != http.StatusNoContent || session == "" {
		t.Fatalf("sign-out: %d %s (session %q)", resp.StatusCode, body, session)
	}
	for range 2 * auth.DefaultFailureBurst {
		for _, id := range []string{session, expiredSession} {
			resp, body = s.do(t, "GET", "/v1/vms", "", "Cookie", "session="+id)
			s.fail(t, resp, body, errresp.SessionExpired)
		}
	}
	resp, body = s.do(t, "GET", "/v1/vms", "", asReader...)
	s.ok(t, resp, body, 200, nil)
	for i := range auth.DefaultFailureBurst {
		resp, body = s.do(t, "GET", "/v1/vms", "", "Cookie", fmt.Sprintf("session=forged-%d", i))
		s.fail(t, resp, body, errresp.SessionExpired)
	}
	resp, body = s.do(t, "GET", "/v1/vms", "", asAdmin...)
	s.fail(t, resp, body, errresp.RateLimited)
	resp, body = s.do(t, "GET", "/v1/vms", "", asReader...)
	s.ok(t, resp, body, 200, nil)
}

func walkGuessing(t *testing.T, s *server) {
	fixed := []string{errresp.HeaderRequestID, "fixed-id"}
	resp, unknown := s.do(t, "POST", "/auth/sign-in/email", `{"email":"nobody@example.com","password":"x"}`, fixed...)
	s.fail(t, resp, unknown, errresp.InvalidCredentials)
	resp, wrong := s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"x"}`, fixed...)
	s.fail(t, resp, wrong, errresp.InvalidCredentials)
	if string(unknown) != string(wrong) {
		t.Errorf("an unknown account and a wrong password differ:\n%s\n%s", unknown, wrong)
	}

	// The wrong-code cap: the fifth wrong code ends the pending sign-in.
	resp, body := s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	s.fail(t, resp, body, errresp.TwoFactorRequired)
	for i := 1; i < 5; i++ {
		resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"000000"}`)
		s.fail(t, resp, body, errresp.InvalidOTP)
	}
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"000000"}`)
	if e := s.fail(t, resp, body, errresp.SessionExpired); !strings.Contains(e.Message, "Too many wrong codes") {
		t.Errorf("fifth wrong code: %q", e.Message)
	}
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`)
	s.fail(t, resp, body, errresp.SessionExpired)

	// 2 wrong passwords and 5 wrong codes make 7 failures from this
	// address (the ended pending session, which the service issued, is not
	// a guess); 13 wrong keys make 20, and the 21st credential, even a
	// valid one, is refused.
	for i := range 13 {
		resp, body = s.do(t, "GET", "/v1/vms", "", "X-API-Key", fmt.Sprintf("demo_wrong_%021d", i)) // well-formed, unknown
		s.fail(t, resp, body, errresp.CredentialInvalid)
	}
	resp, body = s.do(t, "GET", "/v1/vms", "", asAdmin...)
	if e := s.fail(t, resp, body, errresp.RateLimited); e.RetryAfter <= 0 || e.RetryAfter > 30*time.Second {
		t.Errorf("Retry-After %v, want up to 30s (the next attempt earned)", e.RetryAfter)
	}
	resp, body = s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	s.fail(t, resp, body, errresp.RateLimited)
	resp, body = s.do(t, "GET", "/healthz", "")
	s.ok(t, resp, body, 200, nil)
}

// Wrong codes count per account, whatever the address: once a pending
// sign-in has been ended by 5 wrong codes, the account's next code, even the
// right one in a new sign-in, is refused with Retry-After.
func walkCodeGuessing(t *testing.T, s *server) {
	resp, body := s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	s.fail(t, resp, body, errresp.TwoFactorRequired)
	for range 5 {
		resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"000000"}`)
		if resp.StatusCode == 429 {
			t.Fatalf("refused before 5 wrong codes: %s", body)
		}
	}
	resp, body = s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	s.fail(t, resp, body, errresp.TwoFactorRequired)
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`)
	if e := s.fail(t, resp, body, errresp.RateLimited); e.RetryAfter <= 4*time.Minute || e.RetryAfter > 5*time.Minute {
		t.Errorf("Retry-After %v, want about 5m", e.RetryAfter)
	}
}

// slowClient sends a request's head and the first byte of a 1,000-byte
// body, then nothing more.
func slowClient(t *testing.T, s *server, path string, header ...string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	head := "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
	for _, h := range header {
		head += h + "\r\n"
	}
	if _, err := io.WriteString(c, head+"\r\n{"); err != nil {
		t.Fatal(err)
	}
	return c
}

// Clients that send their body slowly: those the service answers without
// the body (401, 429) get the answer at once and a closed connection; those
// it waits for hold a connection until the server's read timeout, and on
// SIGTERM the example cuts them at the end of its grace period and exits 0.
func TestSlowClients(t *testing.T) {
	t.Parallel()
	s := startServer(t, "-grace", "1s")
	var held []net.Conn
	for range 5 { // the sign-in handler reads the body: held (10 a minute per address)
		held = append(held, slowClient(t, s, "/auth/sign-in/email"))
	}
	for range 20 { // no credential: 401 at once
		c := slowClient(t, s, "/v1/vms")
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("no answer to a slow body without a credential: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		s.fail(t, resp, body, errresp.NotAuthenticated)
		if !resp.Close {
			t.Error("the 401 does not close the connection")
		}
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
			t.Errorf("after the 401 the connection reads %v, want EOF", err)
		}
	}
	time.Sleep(200 * time.Millisecond) // the held requests reach their handler
	if took := s.stop(t); took > 3*time.Second {
		t.Errorf("the example took %v to stop with slow clients, want the 1 s grace period", took)
	}
	if !strings.Contains(s.out.String(), "were cut") {
		t.Errorf("the example does not say it cut connections:\n%s", s.out.String())
	}
	for i, c := range held {
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Errorf("slow client %d: its connection is still open", i)
		}
	}
}
