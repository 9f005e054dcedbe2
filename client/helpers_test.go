package client_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
)

// script is a test server that answers its n-th request with steps[n] (the
// last step again once they run out), and records what it was sent.
type script struct {
	*httptest.Server
	mu    sync.Mutex
	seen  []seen
	steps []http.HandlerFunc
}

// seen is one request as the server received it.
type seen struct {
	method, requestID, body string
}

func serve(t *testing.T, steps ...http.HandlerFunc) *script {
	t.Helper()
	s := &script{steps: steps}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.seen)
		s.seen = append(s.seen, seen{r.Method, r.Header.Get(errresp.HeaderRequestID), string(b)})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		s.steps[min(n, len(s.steps)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns what the server was sent, in order.
func (s *script) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.seen...)
}

// envelope answers with e in style, after setting the header pairs; the
// request id is the request's X-Request-ID, or "srv-1".
func envelope(style *errresp.Style, e *errresp.Error, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		id := r.Header.Get(errresp.HeaderRequestID)
		if id == "" {
			id = "srv-1"
		}
		_, _ = errresp.Write(w, errresp.WithRequestID(errresp.WithStyle(r, style), id), e)
	}
}

// okay answers 200 with the request body (or "ok" when there is none).
func okay(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	if len(b) == 0 {
		b = []byte("ok")
	}
	_, _ = w.Write(b)
}

// status answers with a bare status and text body, as a proxy might.
func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		http.Error(w, http.StatusText(code), code)
	}
}

// recorder collects the attempts the hook sees.
type recorder struct {
	mu       sync.Mutex
	attempts []client.Attempt
}

func (r *recorder) hook(a client.Attempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts = append(r.attempts, a)
}

func (r *recorder) all() []client.Attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]client.Attempt(nil), r.attempts...)
}

// fixture is a client on a manual clock, with its attempts recorded and its
// log discarded.
type fixture struct {
	*http.Client
	clock *clienttest.Clock
	rec   *recorder
}

func newFixture(opts ...client.Option) *fixture {
	f := &fixture{clock: clienttest.NewClock(time.Now()), rec: &recorder{}}
	base := []client.Option{client.WithClock(f.clock.Now), client.WithSleep(f.clock.Sleep), client.WithOnAttempt(f.rec.hook),
		client.WithLogger(slog.New(slog.DiscardHandler))}
	f.Client = client.New(append(base, opts...)...)
	return f
}

// get sends a GET to url with the header pairs, through client.Do: an
// error for every failure.
func (f *fixture) get(t *testing.T, url string, header ...string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return client.Do(f.Client, req)
}

// succeedsAfter sends a GET to url and checks that it succeeds after the
// waits want, and no others.
func (f *fixture) succeedsAfter(t *testing.T, url string, want ...time.Duration) {
	t.Helper()
	resp, err := f.get(t, url)
	if err != nil {
		t.Fatal(err)
	}
	closeBody(resp)
	if got := f.clock.Sleeps(); !slices.Equal(got, want) {
		t.Errorf("waited %v, want %v", got, want)
	}
}

// closeBody closes a successful response's body.
func closeBody(resp *http.Response) {
	if resp != nil {
		_ = resp.Body.Close()
	}
}

// seconds formats n as a header value.
func seconds(n int) string { return strconv.Itoa(n) }
