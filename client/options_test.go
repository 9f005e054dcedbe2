package client_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

func TestWithMaxRetries(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(503))
	f := newFixture(client.WithMaxRetries(0))
	resp, err := f.get(t, srv.URL)
	closeBody(resp)
	if !errors.Is(err, &errresp.Error{Kind: errresp.Unavailable}) || len(srv.requests()) != 1 {
		t.Errorf("%v after %d requests", err, len(srv.requests()))
	}

	srv = serve(t, status(503))
	f = newFixture(client.WithMaxRetries(1))
	resp, err = f.get(t, srv.URL)
	closeBody(resp)
	if len(srv.requests()) != 2 || len(f.clock.Sleeps()) != 1 {
		t.Errorf("%v after %d requests", err, len(srv.requests()))
	}
}

// WithRetryKinds replaces the kinds retried: a capacity refusal, when the
// caller says so, and no longer a 500.
func TestWithRetryKinds(t *testing.T) {
	t.Parallel()
	capacity := envelope(errresp.Gcore(), errresp.New(errresp.CapacityUnavailable, "Flavor has no capacity."))
	srv := serve(t, capacity, okay)
	f := newFixture(client.WithRetryKinds(errresp.CapacityUnavailable))
	resp, err := f.get(t, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	closeBody(resp)
	if len(srv.requests()) != 2 {
		t.Errorf("%d requests", len(srv.requests()))
	}

	srv = serve(t, status(500), okay)
	resp, err = f.get(t, srv.URL)
	closeBody(resp)
	if !errors.Is(err, &errresp.Error{Kind: errresp.Internal}) || len(srv.requests()) != 1 {
		t.Errorf("%v after %d requests", err, len(srv.requests()))
	}
}

// WithMaxWait bounds the waits together: two 20 s waits do not fit in the
// default 30 s, and three do not fit in 50 s.
func TestWithMaxWait(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(429, "Retry-After", "20"))
	f := newFixture()
	resp, err := f.get(t, srv.URL)
	closeBody(resp)
	if len(srv.requests()) != 2 || len(f.clock.Sleeps()) != 1 {
		t.Errorf("%v after %d requests", err, len(srv.requests()))
	}

	srv = serve(t, status(429, "Retry-After", "20"))
	f = newFixture(client.WithMaxWait(50 * time.Second))
	resp, err = f.get(t, srv.URL)
	closeBody(resp)
	if len(srv.requests()) != 3 || len(f.clock.Sleeps()) != 2 {
		t.Errorf("%v after %d requests", err, len(srv.requests()))
	}
}

// countingTransport counts the attempts it sends.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestWithTransport(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(500), okay)
	var ct countingTransport
	f := newFixture(client.WithTransport(&ct))
	resp, err := f.get(t, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	closeBody(resp)
	if ct.n.Load() != 2 {
		t.Errorf("the base transport sent %d attempts, want 2", ct.n.Load())
	}
}

// Bad configuration panics when the option is made, never at request time.
func TestBadOptions(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(){
		"WithMaxRetries(-1)":  func() { client.WithMaxRetries(-1) },
		"WithBackoff(0, 1s)":  func() { client.WithBackoff(0, time.Second) },
		"WithBackoff(2s, 1s)": func() { client.WithBackoff(2*time.Second, time.Second) },
		"WithMaxWait(-1)":     func() { client.WithMaxWait(-1) },
		"WithTransport(nil)":  func() { client.WithTransport(nil) },
		"WithOnAttempt(nil)":  func() { client.WithOnAttempt(nil) },
		"WithLogger(nil)":     func() { client.WithLogger(nil) },
		"WithClock(nil)":      func() { client.WithClock(nil) },
		"WithSleep(nil)":      func() { client.WithSleep(nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}

// nilTransport breaks the RoundTripper contract.
type nilTransport struct{}

func (nilTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, nil }

// A base RoundTripper that returns neither a response nor an error is an
// error, not a panic, and is not retried.
func TestBrokenTransport(t *testing.T) {
	t.Parallel()
	f := newFixture(client.WithTransport(nilTransport{}))
	resp, err := f.get(t, "http://api.test/")
	closeBody(resp)
	if err == nil || len(f.rec.all()) != 1 {
		t.Errorf("got %v after %d attempts", err, len(f.rec.all()))
	}
}
