package client_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// counting is the RoundTripper below the Transport: it counts the responses
// the network gave.
type counting struct {
	next      http.RoundTripper
	responses atomic.Int32
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if resp != nil {
		c.responses.Add(1)
	}
	return resp, err
}

// contract is a RoundTripper wrapped around the Transport, as otelhttp's and
// oauth2's are: it asserts net/http's contract, "RoundTrip must return
// err == nil if it obtained a response, regardless of the response's HTTP
// status code", on every call.
type contract struct {
	t     *testing.T
	next  http.RoundTripper
	below *counting
}

func (c *contract) RoundTrip(r *http.Request) (*http.Response, error) {
	before := c.below.responses.Load()
	resp, err := c.next.RoundTrip(r)
	obtained := c.below.responses.Load() > before
	switch {
	case obtained && (err != nil || resp == nil):
		c.t.Errorf("%s: a response was obtained, and RoundTrip gave %v, %v", r.URL.Path, resp, err)
	case !obtained && err == nil:
		c.t.Errorf("%s: no response was obtained, and RoundTrip gave no error", r.URL.Path)
	}
	return resp, err
}

// Wrapped in another RoundTripper, the Transport returns every response it
// obtained with a nil error, whatever its status, retried or not, and code
// that reads resp.StatusCode works; only a request that got no response at
// all is an error.
func TestRoundTripperContract(t *testing.T) {
	t.Parallel()
	var busy atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/items/nope", answer(404, `{"error":"item nope not found"}`, "Content-Type", "application/json"))
	mux.HandleFunc("/items/1", answer(200, `{"id":"1"}`, "Content-Type", "application/json"))
	mux.HandleFunc("/busy", status(503, "Retry-After", "1"))
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if busy.Add(1) == 1 {
			http.Error(w, "try again", 502)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/teapot", answer(418, "short and stout"))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()

	below := &counting{next: http.DefaultTransport}
	clock := newFixture().clock
	tr := client.NewTransport(client.WithTransport(below), client.WithClock(clock.Now), client.WithSleep(clock.Sleep), client.WithLogger(slog.New(slog.DiscardHandler)),
		client.WithBackoff(time.Millisecond, time.Millisecond), client.WithMaxRetries(2))
	c := &http.Client{Transport: &contract{t: t, next: tr, below: below}}

	// found reads an item as code written for net/http does.
	found := func(url string) (bool, int, error) {
		resp, err := c.Get(url)
		if err != nil {
			return false, 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return false, resp.StatusCode, nil
		}
		return resp.StatusCode == http.StatusOK, resp.StatusCode, client.Check(resp)
	}
	for _, tc := range []struct {
		path   string
		found  bool
		status int
		kind   errresp.Kind // of Check's error; Unknown for none
	}{
		{"/items/1", true, 200, errresp.Unknown},
		{"/items/nope", false, 404, errresp.Unknown},
		{"/busy", false, 503, errresp.Unavailable}, // after 3 attempts
		{"/flaky", true, 200, errresp.Unknown},     // after 2
		{"/teapot", false, 418, errresp.ClientError},
	} {
		ok, status, err := found(srv.URL + tc.path)
		if ok != tc.found || status != tc.status || errresp.KindOf(err) != tc.kind && (err != nil || tc.kind != errresp.Unknown) {
			t.Errorf("%s: found %v, status %d, %v; want %v, %d, %s", tc.path, ok, status, err, tc.found, tc.status, tc.kind)
		}
	}
	if n := below.responses.Load(); n != 1+1+3+2+1 {
		t.Errorf("%d responses obtained, want 8", n)
	}
	if _, _, err := found(dead.URL); err == nil {
		t.Error("a closed server gave no error")
	}
}

// A 429 with no Retry-After is sent again after the wait the RateLimit
// field (draft-ietf-httpapi-ratelimit-headers) names for its exhausted
// policy, or the older RateLimit-Reset, before X-RateLimit-Reset.
func TestRateLimitFieldWait(t *testing.T) {
	t.Parallel()
	for name, header := range map[string][]string{
		"RateLimit":       {"RateLimit", `"default";r=0;t=7, "day";r=80;t=3600`, "RateLimit-Policy", `"default";q=10;w=60, "day";q=100;w=86400`, "X-RateLimit-Reset", "50"},
		"RateLimit-Reset": {"RateLimit-Limit", "10", "RateLimit-Remaining", "0", "RateLimit-Reset", "7", "X-RateLimit-Reset", "50"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, answer(429, `{"message":"rate limit exceeded"}`, header...), okay)
			newFixture().succeedsAfter(t, srv.URL, 7*time.Second)
		})
	}
}

// The function WithOnAttempt sets may read an error response's body; the
// caller still reads every byte, past the part the Transport kept.
func TestHookLeavesBody(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("not found ", errresp.MaxDecodeBody/5) // 2 MiB
	srv := serve(t, answer(404, body))
	var seen int
	c := client.New(client.WithOnAttempt(func(a client.Attempt) {
		b, _ := io.ReadAll(a.Response.Body)
		seen = len(b)
	}))
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != body || seen != errresp.MaxDecodeBody {
		t.Errorf("the caller read %d bytes (%v), the function %d; want %d and %d", len(got), err, seen, len(body), errresp.MaxDecodeBody)
	}
}
