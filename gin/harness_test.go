package gin_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	apigin "github.com/apierror/apierror/gin"
	"github.com/apierror/apierror/middleware"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	apigin.UseValidation(nil)
	middleware.SetLogger(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// response is what a real listener answered.
type response struct {
	status int
	header http.Header
	body   string
}

// call sends one request to srv and reads the whole answer.
func call(t *testing.T, srv *httptest.Server, method, path, body string, hdr ...string) response {
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
	return response{resp.StatusCode, resp.Header, string(b)}
}

// serve starts a real listener for h, closed when the test ends.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// envelopeHeaders are the headers an envelope's answer is compared on.
var envelopeHeaders = []string{"Content-Type", "X-Request-Id", "X-Content-Type-Options", "Cache-Control",
	"Allow", "Www-Authenticate", "Retry-After", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"}

// sameAnswer fails unless got and want have the same status, body and
// envelope headers.
func sameAnswer(t *testing.T, got, want response) {
	t.Helper()
	if got.status != want.status || got.body != want.body {
		t.Fatalf("answer differs from the core's:\n got %d %s\nwant %d %s", got.status, got.body, want.status, want.body)
	}
	for _, k := range envelopeHeaders {
		if g, w := got.header.Values(k), want.header.Values(k); strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Fatalf("header %s = %q, the core's %q", k, g, w)
		}
	}
}
