package adaptertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// Response is what a real listener answered.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Call sends one request to srv (a JSON body when body is not empty, and
// the header pairs in hdr) and reads the whole answer.
func Call(t testing.TB, srv *httptest.Server, method, path, body string, hdr ...string) Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{resp.StatusCode, resp.Header, string(b)}
}

// Serve starts a real listener for h, closed when the test ends.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// envelopeHeaders are the headers an envelope's answer is compared on.
var envelopeHeaders = []string{"Content-Type", "X-Request-Id", "X-Content-Type-Options", "Cache-Control",
	"Allow", "Www-Authenticate", "Retry-After", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"}

// SameAnswer fails t unless got and want have the same status, body and
// envelope headers (Content-Type, X-Request-ID, nosniff, Cache-Control,
// Allow, WWW-Authenticate, Retry-After, X-RateLimit-*).
func SameAnswer(t testing.TB, got, want Response) {
	t.Helper()
	if got.Status != want.Status || got.Body != want.Body {
		t.Fatalf("answer differs from the core's:\n got %d %s\nwant %d %s", got.Status, got.Body, want.Status, want.Body)
	}
	for _, k := range envelopeHeaders {
		if g, w := got.Header.Values(k), want.Header.Values(k); strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Fatalf("header %s = %q, the core's %q", k, g, w)
		}
	}
}

// ReadmeBlocks fails t unless every Go block of the README at readme that
// holds marker (such as "ginapierror.") is, line for line, in the file src, and
// there is at least one.
func ReadmeBlocks(t testing.TB, readme, marker, src string) {
	t.Helper()
	rb, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, block := range strings.Split(string(rb), "```go\n")[1:] {
		code, _, _ := strings.Cut(block, "\n```")
		if !strings.Contains(code, marker) {
			continue
		}
		n++
		if !strings.Contains(string(sb), code) {
			t.Errorf("this README block is not in %s:\n%s", src, code)
		}
	}
	if n == 0 {
		t.Fatalf("no README block holds %q", marker)
	}
}
