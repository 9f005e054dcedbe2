package client_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
)

// keys is a server that records the Idempotency-Key of each request and
// answers with the steps in turn.
func keys(t *testing.T, steps ...http.HandlerFunc) (*script, func() []string) {
	var mu sync.Mutex
	var got []string
	wrapped := make([]http.HandlerFunc, len(steps))
	for i, s := range steps {
		wrapped[i] = func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got = append(got, strings.Join(r.Header.Values("Idempotency-Key"), "|"))
			mu.Unlock()
			s(w, r)
		}
	}
	srv := serve(t, wrapped...)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

var sfUUID = regexp.MustCompile(`^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`)

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	clock := clienttest.NewClock(time.Unix(0, 0))
	srv, sent := keys(t, status(503), status(201))
	c := client.New(client.WithIdempotencyKeys(), client.WithClock(clock.Now), client.WithSleep(clock.Sleep))
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"name":"a"}`))
	resp, err := c.Do(req)
	closeBody(resp)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("%v %v", resp, err)
	}
	got := sent()
	if len(got) != 2 || !sfUUID.MatchString(got[0]) || got[1] != got[0] {
		t.Errorf("keys sent %q; want one generated key, the same on the retry", got)
	}
	if req.Header.Get("Idempotency-Key") != "" {
		t.Error("the caller's request was changed")
	}
	for _, tc := range []struct {
		method, key, want string
	}{
		{http.MethodPatch, "", "generated"},
		{http.MethodGet, "", ""},
		{http.MethodPut, "", ""},
		{http.MethodPost, "own-key", "own-key"},
	} {
		srv, sent := keys(t, status(200))
		req, _ := http.NewRequest(tc.method, srv.URL, nil)
		if tc.key != "" {
			req.Header.Set("Idempotency-Key", tc.key)
		}
		resp, _ := c.Do(req)
		closeBody(resp)
		got := sent()[0]
		if tc.want == "generated" && !sfUUID.MatchString(got) || tc.want != "generated" && got != tc.want {
			t.Errorf("%s with key %q sent %q; want %s", tc.method, tc.key, got, tc.want)
		}
	}
	// Without the option, a POST gets no key and is not retried.
	srv, sent = keys(t, status(503), status(201))
	resp, _ = client.New(client.WithClock(clock.Now), client.WithSleep(clock.Sleep)).Post(srv.URL, "application/json", strings.NewReader(`{}`))
	closeBody(resp)
	if got := sent(); len(got) != 1 || got[0] != "" {
		t.Errorf("without the option: %q", got)
	}
}

// The 409 of a key whose first request is still running is retried after
// its Retry-After.
func TestRetriesKeyInUse(t *testing.T) {
	t.Parallel()
	clock := clienttest.NewClock(time.Unix(0, 0))
	e := errresp.New(errresp.IdempotencyKeyInUse, "busy")
	e.RetryAfter = 2 * time.Second
	for _, s := range []*errresp.Style{errresp.Problem(), errresp.GPCN(), errresp.DevDocs(), errresp.Gcore(), errresp.AuthPI()} {
		srv, sent := keys(t, envelope(s, e), status(201))
		c := client.New(client.WithClock(clock.Now), client.WithSleep(clock.Sleep))
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{}`))
		req.Header.Set("Idempotency-Key", `"k"`)
		resp, err := c.Do(req)
		closeBody(resp)
		if err != nil || resp.StatusCode != 201 || len(sent()) != 2 {
			t.Errorf("%s: %v %v after %d attempts", s.Name, resp, err, len(sent()))
		}
	}
	if sl := clock.Sleeps(); len(sl) != 5 || sl[0] != 2*time.Second {
		t.Errorf("waits %v; want Retry-After's 2 s before each retry", sl)
	}
}
