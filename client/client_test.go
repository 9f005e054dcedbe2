package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// A 503 is retried after its Retry-After date, measured from the response's
// Date (here an hour off the client's clock), then succeeds.
func TestRetryAfterDate(t *testing.T) {
	t.Parallel()
	serverNow := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	srv := serve(t,
		envelope(errresp.Gcore(), errresp.New(errresp.Unavailable, "Down for maintenance."),
			"Date", serverNow.Format(http.TimeFormat), "Retry-After", serverNow.Add(7*time.Second).Format(http.TimeFormat)),
		okay)
	newFixture().succeedsAfter(t, srv.URL, 7*time.Second)
}

// A 429 with X-RateLimit-Reset and no Retry-After waits for the reset, read
// as a Unix time or as seconds; a 500 carrying one (as every response of a
// limited route does) ignores it and backs off.
func TestRateLimitReset(t *testing.T) {
	t.Parallel()
	date := time.Now().UTC().Truncate(time.Second)
	limited := errresp.New(errresp.RateLimited, "Slow down.")
	cases := []struct {
		name  string
		first http.HandlerFunc
		want  func(time.Duration) bool
	}{
		{"unix", envelope(errresp.GPCN(), limited, "Date", date.Format(http.TimeFormat), "X-RateLimit-Reset", strconv.FormatInt(date.Unix()+13, 10)),
			func(d time.Duration) bool { return d == 13*time.Second }},
		{"seconds", envelope(errresp.GPCN(), limited, "X-RateLimit-Reset", "13"),
			func(d time.Duration) bool { return d == 13*time.Second }},
		{"bare 429", status(429, "X-RateLimit-Reset", "4"),
			func(d time.Duration) bool { return d == 4*time.Second }},
		{"500", envelope(errresp.GPCN(), errresp.New(errresp.Internal, ""), "X-RateLimit-Reset", "13"),
			func(d time.Duration) bool { return d >= time.Second && d <= 2*time.Second }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, c.first, okay)
			f := newFixture()
			resp, err := f.get(t, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			closeBody(resp)
			if got := f.clock.Sleeps(); len(got) != 1 || !c.want(got[0]) {
				t.Errorf("waited %v", got)
			}
		})
	}
}

// 5xx failures back off exponentially within the page's 1 to 5 s, three
// times at most, then surface as the last failure, decoded.
func TestBackoffThenGiveUp(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(502), envelope(errresp.DevDocs(), errresp.New(errresp.Timeout, "")),
		envelope(errresp.DevDocs(), errresp.New(errresp.Internal, "")))
	f := newFixture()
	resp, err := f.get(t, srv.URL, "X-Request-ID", "trace-7")
	closeBody(resp)
	var re *client.ResponseError
	if !errors.As(err, &re) || re.Err.Kind != errresp.Internal || re.Attempts != 4 || re.Err.RequestID != "trace-7" {
		t.Fatalf("got %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "500 internal: ") || !strings.HasSuffix(msg, " (request id trace-7) after 4 attempts") {
		t.Errorf("error text %q", err)
	}
	sleeps := f.clock.Sleeps()
	tops := []time.Duration{2 * time.Second, 4 * time.Second, 5 * time.Second}
	if len(sleeps) != len(tops) {
		t.Fatalf("waited %v, want 3 waits", sleeps)
	}
	for i, d := range sleeps {
		if d < time.Second || d > tops[i] {
			t.Errorf("wait %d: %v, want 1s to %v", i, d, tops[i])
		}
	}
	kinds := []errresp.Kind{errresp.BadGateway, errresp.Timeout, errresp.Internal, errresp.Internal}
	for i, a := range f.rec.all() {
		var e *errresp.Error
		if !errors.As(a.Err, &e) || e.Kind != kinds[i] || a.N != i+1 || a.Retry != (i < 3) {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
		if a.Retry && a.Wait != sleeps[i] {
			t.Errorf("attempt %d: hook saw wait %v, the clock %v", i+1, a.Wait, sleeps[i])
		}
	}
	for _, r := range srv.requests() {
		if r.requestID != "trace-7" {
			t.Errorf("an attempt went out with request id %q", r.requestID)
		}
	}
}

// A server that closes the connection without answering is retried; a port
// that refuses connections is retried and then reported as refused.
func TestTransportFailures(t *testing.T) {
	t.Parallel()
	hangUp := func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = c.Close()
		}
	}
	srv := serve(t, hangUp, hangUp, okay)
	f := newFixture()
	resp, err := f.get(t, srv.URL)
	if err != nil {
		t.Fatalf("after two hang-ups: %v", err)
	}
	closeBody(resp)
	if n := len(srv.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	f = newFixture()
	resp, err = f.get(t, "http://"+addr)
	closeBody(resp)
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("got %v", err)
	}
	if n := len(f.clock.Sleeps()); n != 3 {
		t.Errorf("%d waits, want 3", n)
	}
	var e *errresp.Error
	if errors.As(err, &e) {
		t.Errorf("a transport failure became %v", e)
	}
}

// A POST is retried only with an Idempotency-Key, with its body sent again
// whole; a body that cannot be had again is never retried.
func TestPost(t *testing.T) {
	t.Parallel()
	busy := envelope(errresp.AuthPI(), errresp.New(errresp.Unavailable, ""), "Retry-After", "2")
	post := func(f *fixture, url, key string, body io.Reader) (*http.Response, error) {
		req, _ := http.NewRequest("POST", url, body)
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		return client.Do(f.Client, req)
	}

	srv := serve(t, busy, okay)
	f := newFixture()
	resp, err := post(f, srv.URL, "", strings.NewReader(`{"name":"web-1"}`))
	closeBody(resp)
	if !errors.Is(err, &errresp.Error{Kind: errresp.Unavailable}) || len(srv.requests()) != 1 || len(f.clock.Sleeps()) != 0 {
		t.Errorf("without a key: %v after %d requests", err, len(srv.requests()))
	}

	srv = serve(t, busy, okay)
	f = newFixture()
	resp, err = post(f, srv.URL, "k-1", strings.NewReader(`{"name":"web-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	closeBody(resp)
	reqs := srv.requests()
	if string(b) != `{"name":"web-1"}` || len(reqs) != 2 || reqs[0].body != reqs[1].body {
		t.Errorf("with a key: %q back after %+v", b, reqs)
	}
	if got := f.clock.Sleeps(); !reflect.DeepEqual(got, []time.Duration{2 * time.Second}) {
		t.Errorf("waited %v, want [2s]", got)
	}

	srv = serve(t, busy, okay)
	f = newFixture()
	resp, err = post(f, srv.URL, "k-2", io.NopCloser(strings.NewReader(`{}`)))
	closeBody(resp)
	if err == nil || len(srv.requests()) != 1 {
		t.Errorf("a body without GetBody: %v after %d requests", err, len(srv.requests()))
	}
}

// A wait that would end past the context's deadline is not started: the
// failure returns at once, carrying the wait the server asked for.
func TestDeadline(t *testing.T) {
	t.Parallel()
	srv := serve(t, envelope(errresp.Problem(), errresp.New(errresp.RateLimited, ""), "Retry-After", "20"), okay)
	f := newFixture()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := client.Do(f.Client, req)
	closeBody(resp)
	var e *errresp.Error
	if !errors.As(err, &e) || e.Kind != errresp.RateLimited || e.RetryAfter != 20*time.Second {
		t.Fatalf("got %v", err)
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("the deadline passed: %v", err)
	}
	if len(srv.requests()) != 1 || len(f.clock.Sleeps()) != 0 {
		t.Errorf("%d requests, waits %v", len(srv.requests()), f.clock.Sleeps())
	}
}

// A context canceled while waiting ends the wait; the last response, which
// was obtained, is the answer, with a nil error.
func TestCanceledWhileWaiting(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(500))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := client.New(client.WithLogger(slog.New(slog.DiscardHandler)), client.WithBackoff(time.Hour, time.Hour),
		client.WithMaxWait(10*time.Hour), client.WithOnAttempt(func(client.Attempt) { cancel() }))
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 500 || len(srv.requests()) != 1 {
		t.Fatalf("got %v, %v after %d requests", resp, err, len(srv.requests()))
	}
	defer resp.Body.Close()
	if err := client.Check(resp); !errors.Is(err, &errresp.Error{Kind: errresp.Internal}) {
		t.Errorf("Check: %v", err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "Internal Server Error\n" {
		t.Errorf("body %q", b)
	}
}

// The request id goes out on every attempt: the caller's X-Request-ID, or
// else the one in the request's context (a handler's incoming request's);
// each retry is logged with it, or with the server's when there is none.
func TestRequestID(t *testing.T) {
	t.Parallel()
	failing := envelope(errresp.GPCN(), errresp.New(errresp.Internal, ""))
	cases := []struct {
		name   string
		header string
		ctxID  string
		sent   string // the id on each attempt
		logged string
	}{
		{"header", "caller-1", "", "caller-1", "caller-1"},
		{"header wins", "caller-1", "incoming-1", "caller-1", "caller-1"},
		{"context", "", "incoming-1", "incoming-1", "incoming-1"},
		{"none", "", "", "", "srv-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, failing, failing, okay)
			var logs bytes.Buffer
			f := newFixture(client.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
			req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/vms?token=secret", nil)
			if c.ctxID != "" {
				req = errresp.WithRequestID(req, c.ctxID)
			}
			if c.header != "" {
				req.Header.Set(errresp.HeaderRequestID, c.header)
			}
			resp, err := f.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			closeBody(resp)
			for i, r := range srv.requests() {
				if r.requestID != c.sent {
					t.Errorf("attempt %d sent request id %q, want %q", i+1, r.requestID, c.sent)
				}
			}
			if got := req.Header.Get(errresp.HeaderRequestID); got != c.header {
				t.Errorf("the caller's request was changed: X-Request-ID %q", got)
			}
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want one per retry:\n%s", len(lines), logs.String())
			}
			for i, l := range lines {
				var rec struct {
					Msg, Method, URL, Kind, RequestID string
					Attempt, Status                   int
					Wait                              time.Duration
				}
				if err := json.Unmarshal([]byte(strings.ReplaceAll(l, `"request_id"`, `"requestid"`)), &rec); err != nil {
					t.Fatal(err)
				}
				if rec.Msg != "retrying request" || rec.Method != "GET" || rec.URL != srv.URL+"/vms" || rec.Kind != "internal" ||
					rec.RequestID != c.logged || rec.Attempt != i+1 || rec.Status != 500 || rec.Wait != f.clock.Sleeps()[i] {
					t.Errorf("log line %d: %s", i+1, l)
				}
			}
		})
	}
}

// A retryable failure that is not retried says why in the log.
func TestLogsWhyNot(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(503, "Retry-After", "60"))
	var logs bytes.Buffer
	f := newFixture(client.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	resp, err := f.get(t, srv.URL, "X-Request-ID", "r-1")
	closeBody(resp)
	if err == nil || !strings.Contains(logs.String(), `msg="not retrying request"`) ||
		!strings.Contains(logs.String(), "request_id=r-1") || !strings.Contains(logs.String(), "maximum total wait") {
		t.Errorf("%v; log:\n%s", err, logs.String())
	}

	srv = serve(t, status(404))
	logs.Reset()
	resp, err = f.get(t, srv.URL)
	closeBody(resp)
	if !errors.Is(err, &errresp.Error{Kind: errresp.NotFound}) || logs.Len() != 0 {
		t.Errorf("a 404: %v; log:\n%s", err, logs.String())
	}
}

// A success passes through untouched: the caller's request itself is sent
// when there is no id to add, and the body is the caller's to read.
func TestSuccess(t *testing.T) {
	t.Parallel()
	srv := serve(t, okay)
	f := newFixture()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := f.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	closeBody(resp)
	a := f.rec.all()
	if string(b) != "ok" || len(a) != 1 || a[0].Err != nil || a[0].Retry || a[0].Request != req {
		t.Errorf("body %q, attempts %+v", b, a)
	}
}

// The zero Transport works, with the defaults.
func TestZeroTransport(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(404), okay)
	c := &http.Client{Transport: &client.Transport{}}
	resp, err := c.Get(srv.URL)
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("got %v, %v", resp, err)
	}
	closeBody(resp)
	if err := client.Check(resp); !errors.Is(err, &errresp.Error{Kind: errresp.NotFound}) {
		t.Errorf("got %v", err)
	}
}
