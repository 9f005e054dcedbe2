package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/ratelimit"
)

// The retrying client against the example service, in every style, over a
// loopback listener. The service's rate limits read the client's manual
// clock, so a wait the client "sleeps" is time the limiter sees pass, and
// no test waits for real.

// liveClient is the example service in one style with a client of its own.
type liveClient struct {
	base   string
	style  *errresp.Style
	clock  *clienttest.Clock
	client *http.Client
	logs   *redistest.Log // the client's log, as JSON lines

	mu       sync.Mutex
	attempts []client.Attempt
}

func startLive(t *testing.T, style *errresp.Style) *liveClient {
	t.Helper()
	lc := &liveClient{style: style, clock: clienttest.NewClock(time.Now()), logs: &redistest.Log{}}
	store := ratelimit.NewMemoryStore(ratelimit.MemoryClock(lc.clock.Now))
	srv := httptest.NewServer(newService(style, store).routes())
	t.Cleanup(func() {
		srv.Close()
		_ = store.Close()
	})
	lc.base = srv.URL
	lc.client = client.New(client.WithClock(lc.clock.Now), client.WithSleep(lc.clock.Sleep), client.WithLogger(slog.New(slog.NewJSONHandler(lc.logs, nil))),
		client.WithOnAttempt(func(a client.Attempt) {
			lc.mu.Lock()
			defer lc.mu.Unlock()
			lc.attempts = append(lc.attempts, a)
		}))
	return lc
}

// eachStyle runs test in parallel against the example in each style.
func eachStyle(t *testing.T, test func(t *testing.T, lc *liveClient)) {
	for _, style := range errresp.Styles() {
		t.Run(style.Name, func(t *testing.T) {
			t.Parallel()
			test(t, startLive(t, style))
		})
	}
}

// send sends one request as the admin, with the header pairs; body, when
// not empty, is JSON.
func (lc *liveClient) send(t *testing.T, ctx context.Context, method, path, body string, header ...string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, lc.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	header = append(append([]string(nil), asAdmin...), header...)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	lc.mu.Lock()
	lc.attempts = nil
	lc.mu.Unlock()
	resp, err := client.Do(lc.client, req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b, nil
}

// tried returns the attempts of the last request.
func (lc *liveClient) tried() []client.Attempt {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return append([]client.Attempt(nil), lc.attempts...)
}

// exhaust spends the 3 requests a minute of /v1/limited.
func (lc *liveClient) exhaust(t *testing.T) {
	t.Helper()
	for i := range 3 {
		resp, _, err := lc.send(t, context.Background(), "GET", "/v1/limited", "")
		if err != nil || resp.StatusCode != 200 || len(lc.tried()) != 1 {
			t.Fatalf("request %d to /v1/limited: %v, %d attempts", i+1, err, len(lc.tried()))
		}
	}
}

// failure checks that err is the example's envelope of kind in the style,
// sent once, and returns it.
func (lc *liveClient) failure(t *testing.T, err error, kind errresp.Kind, attempts int) *errresp.Error {
	t.Helper()
	var re *client.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a %s error response", err, kind)
	}
	var e *errresp.Error
	if !errors.As(err, &e) || e != re.Err || e.Kind != kind {
		t.Fatalf("got %v, want %s", err, kind)
	}
	if re.Attempts != attempts || len(lc.tried()) != attempts {
		t.Errorf("%s: %d attempts (the hook saw %d), want %d", kind, re.Attempts, len(lc.tried()), attempts)
	}
	// The response is still there, and is the style's envelope.
	body, _ := io.ReadAll(re.Response.Body)
	if !bytes.Equal(body, re.Body) {
		t.Errorf("the response body reads %q, Body holds %q", body, re.Body)
	}
	failIn(t, lc.style, re.Response, body, kind)
	if id := re.Response.Header.Get(errresp.HeaderRequestID); e.RequestID != id {
		t.Errorf("decoded request id %q, response's %q", e.RequestID, id)
	}
	return e
}

// A 429 is retried once, after exactly the Retry-After it carries, and the
// retry succeeds.
func TestClientRateLimited(t *testing.T) {
	t.Parallel()
	eachStyle(t, func(t *testing.T, lc *liveClient) {
		lc.exhaust(t)
		resp, body, err := lc.send(t, context.Background(), "GET", "/v1/limited", "")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v; body %s", err, body)
		}
		a := lc.tried()
		if len(a) != 2 || a[0].Response == nil || a[0].Response.StatusCode != 429 || !a[0].Retry {
			t.Fatalf("attempts %+v, want a 429 and a success", a)
		}
		first, _ := io.ReadAll(a[0].Response.Body)
		limited := failIn(t, lc.style, a[0].Response, first, errresp.RateLimited)
		if limited.RetryAfter <= 0 {
			t.Fatalf("the 429 has no Retry-After")
		}
		if got := lc.clock.Sleeps(); !reflect.DeepEqual(got, []time.Duration{limited.RetryAfter}) {
			t.Errorf("waited %v, want exactly the Retry-After, %v", got, limited.RetryAfter)
		}
	})
}

// A validation error, a 404 and a 403 are never retried; each comes back
// decoded, with its fields and request id, and its response readable.
func TestClientNeverRetries(t *testing.T) {
	t.Parallel()
	eachStyle(t, func(t *testing.T, lc *liveClient) {
		bg := context.Background()

		_, _, err := lc.send(t, bg, "GET", "/v1/vms/42", "")
		e := lc.failure(t, err, errresp.InvalidRequest, 1)
		if len(e.Fields) != 1 || e.Fields[0].Field != "id" || e.Fields[0].In != "path" {
			t.Errorf("fields %+v, want the path parameter id", e.Fields)
		}
		_, _, err = lc.send(t, bg, "POST", "/v1/vms", `{"name":"Web_1","size":65}`, "Idempotency-Key", "k-1")
		if e = lc.failure(t, err, errresp.InvalidRequest, 1); len(e.Fields) < 2 {
			t.Errorf("fields %+v, want every bad field", e.Fields)
		}
		_, _, err = lc.send(t, bg, "GET", "/v1/vms/"+sampleID, "")
		lc.failure(t, err, errresp.NotFound, 1)
		_, _, err = lc.send(t, bg, "DELETE", "/v1/vms/"+sampleID, "", "X-API-Key", keyReader, "X-Request-ID", "reader-1")
		if e = lc.failure(t, err, errresp.PermissionDenied, 1); e.RequestID != "reader-1" || e.Info["permission"] != permWrite {
			t.Errorf("request id %q, info %v", e.RequestID, e.Info)
		}
		if got := lc.clock.Sleeps(); len(got) != 0 {
			t.Errorf("waited %v", got)
		}
		if lc.logs.String() != "" {
			t.Errorf("logged:\n%s", lc.logs.String())
		}
	})
}

// A 500 from /v1/panic is retried three times with exponential backoff, each
// retry logged with the request id, and then surfaces as Internal with it.
func TestClientPanicBackoff(t *testing.T) {
	t.Parallel()
	eachStyle(t, func(t *testing.T, lc *liveClient) {
		_, _, err := lc.send(t, context.Background(), "GET", "/v1/panic", "", "X-Request-ID", "trace-"+lc.style.Name)
		e := lc.failure(t, err, errresp.Internal, 4)
		if e.RequestID != "trace-"+lc.style.Name || strings.Contains(e.Message, "db-7") {
			t.Errorf("request id %q, message %q", e.RequestID, e.Message)
		}
		sleeps := lc.clock.Sleeps()
		tops := []time.Duration{2 * time.Second, 4 * time.Second, 5 * time.Second}
		if len(sleeps) != 3 {
			t.Fatalf("waited %v, want 3 waits", sleeps)
		}
		for i, d := range sleeps {
			if d < time.Second || d > tops[i] {
				t.Errorf("wait %d: %v, want 1s to %v", i+1, d, tops[i])
			}
		}
		for i, a := range lc.tried() {
			if got := a.Response.Header.Get(errresp.HeaderRequestID); got != "trace-"+lc.style.Name {
				t.Errorf("attempt %d answered with request id %q", i+1, got)
			}
		}
		// One line a retry, and one saying why the fourth failure is the last.
		lines := strings.Split(strings.TrimSpace(lc.logs.String()), "\n")
		if len(lines) != 4 {
			t.Fatalf("%d log lines, want 4:\n%s", len(lines), lc.logs.String())
		}
		for i, l := range lines {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatal(err)
			}
			msg, wait := "retrying request", float64(0)
			if i < 3 {
				wait = float64(sleeps[i])
			} else {
				msg = "not retrying request"
			}
			if rec["msg"] != msg || rec["request_id"] != "trace-"+lc.style.Name || rec["attempt"] != float64(i+1) ||
				rec["status"] != float64(500) || (i < 3 && rec["wait"] != wait) || (i == 3 && rec["reason"] != "no retries left") {
				t.Errorf("log line %d: %s", i+1, l)
			}
		}
	})
}

// Inside a handler, a call made with the incoming request's context carries
// the incoming request's id, and the failure it gets names that id.
func TestClientInsideHandler(t *testing.T) {
	t.Parallel()
	eachStyle(t, func(t *testing.T, lc *liveClient) {
		front := httptest.NewServer(middleware.RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req, _ := http.NewRequestWithContext(r.Context(), "GET", lc.base+"/v1/panic", nil)
			req.Header.Set("X-API-Key", keyAdmin)
			_, err := client.Do(lc.client, req)
			var e *errresp.Error
			errors.As(err, &e)
			fmt.Fprintf(w, "%s %s", e.Kind, e.RequestID)
		})))
		defer front.Close()
		req, _ := http.NewRequest("GET", front.URL, nil)
		req.Header.Set(errresp.HeaderRequestID, "incoming-9")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "internal incoming-9" {
			t.Errorf("the handler's call failed with %q, want internal incoming-9", b)
		}
		for i, a := range lc.tried() {
			if got := a.Request.Header.Get(errresp.HeaderRequestID); got != "incoming-9" {
				t.Errorf("attempt %d went out with request id %q", i+1, got)
			}
		}
	})
}

// A deadline shorter than the Retry-After fails at once, with the 429.
func TestClientDeadline(t *testing.T) {
	t.Parallel()
	eachStyle(t, func(t *testing.T, lc *liveClient) {
		lc.exhaust(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _, err := lc.send(t, ctx, "GET", "/v1/limited", "")
		e := lc.failure(t, err, errresp.RateLimited, 1)
		if e.RetryAfter <= 5*time.Second || ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Retry-After %v, context %v, error %v", e.RetryAfter, ctx.Err(), err)
		}
		if got := lc.clock.Sleeps(); len(got) != 0 {
			t.Errorf("waited %v", got)
		}
	})
}

// A POST is not retried, unless it carries an Idempotency-Key: then it is
// sent again, body and all, after the Retry-After.
func TestClientPost(t *testing.T) {
	t.Parallel()
	eachStyle(t, func(t *testing.T, lc *liveClient) {
		bg := context.Background()
		for range 5 { // creating is limited to 5 a minute; invalid bodies count
			_, _, err := lc.send(t, bg, "POST", "/v1/vms", `{}`)
			lc.failure(t, err, errresp.InvalidRequest, 1)
		}
		valid := `{"name":"web-1","size":2,"region":"eu-west","image_id":"` + sampleID + `"}`
		_, _, err := lc.send(t, bg, "POST", "/v1/vms", valid)
		limited := lc.failure(t, err, errresp.RateLimited, 1)
		if got := lc.clock.Sleeps(); len(got) != 0 {
			t.Fatalf("a POST without a key waited %v", got)
		}
		if !strings.Contains(lc.logs.String(), "Idempotency-Key") {
			t.Errorf("the log does not say why the POST was not retried:\n%s", lc.logs.String())
		}

		resp, body, err := lc.send(t, bg, "POST", "/v1/vms", valid, "Idempotency-Key", "create-web-1")
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("%v; body %s", err, body)
		}
		var v vm
		if err := json.Unmarshal(body, &v); err != nil || v.Name != "web-1" || v.ImageID != sampleID {
			t.Errorf("created %s (%v)", body, err)
		}
		if a := lc.tried(); len(a) != 2 || a[0].Response.StatusCode != 429 {
			t.Errorf("attempts %+v, want a 429 and a 201", a)
		}
		if got := lc.clock.Sleeps(); !reflect.DeepEqual(got, []time.Duration{limited.RetryAfter}) {
			t.Errorf("waited %v, want exactly the Retry-After, %v", got, limited.RetryAfter)
		}
	})
}

// The README's fetchVM, against the example: a machine that exists comes
// back as JSON, one that does not as the decoded 404, at once.
func TestClientReadme(t *testing.T) {
	t.Parallel()
	lc := startLive(t, errresp.Gcore())
	ctx := context.Background()
	resp, body, err := lc.send(t, ctx, "POST", "/v1/vms", `{"name":"web-1","size":2,"region":"eu-west","image_id":"`+sampleID+`"}`)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("%v; body %s", err, body)
	}
	var created vm
	if err := json.Unmarshal(body, &created); err != nil {
		t.Fatal(err)
	}
	got, err := fetchVM(ctx, lc.base, created.ID)
	var v vm
	if err != nil || json.Unmarshal([]byte(got), &v) != nil || v.Name != "web-1" {
		t.Errorf("fetchVM: %q, %v", got, err)
	}
	_, err = fetchVM(ctx, lc.base, sampleID)
	if err == nil || !regexp.MustCompile(`^No virtual machine has that id\. \(not_found, request id [a-z0-9]+\)$`).MatchString(err.Error()) {
		t.Errorf("fetchVM of a missing machine: %v", err)
	}
}
