// Package adaptertest holds what the examples of the framework adapters
// (the gin, echo and huma modules) share: the three failures each example
// answers the same way, and the check their tests run against a real
// listener, so that every framework is held to the same answers.
package adaptertest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// Key is the API key every adapter example accepts.
const Key = "demo_admin_7f3a9c1e5b2d40688acd1"

// Failure is one request an example answers with an envelope.
type Failure struct {
	Name   string
	Method string
	Path   string
	Body   string
	Key    bool // send Key in X-API-Key
	Status int
	Kind   errresp.Kind
	Field  string // a field the envelope must list, if any
}

// Failures are the three failures of every example: a bad body, a missing
// key, a rate limit (the fourth request a minute to /v1/limited; the three
// before it pass).
func Failures() []Failure {
	return []Failure{
		{Name: "bad body", Method: "POST", Path: "/v1/items", Body: `{"name":"x","size":0}`, Key: true,
			Status: 400, Kind: errresp.InvalidRequest, Field: "name"},
		{Name: "missing key", Method: "GET", Path: "/v1/items", Status: 401, Kind: errresp.NotAuthenticated},
		{Name: "rate limit", Method: "GET", Path: "/v1/limited", Key: true, Status: 429, Kind: errresp.RateLimited},
	}
}

// Check sends the three failures to the example served at base in style s
// and fails t unless each is answered with its status and an envelope of
// its kind in s, carrying the request id sent; the rate limit's three
// requests before it must pass.
func Check(t testing.TB, base string, s *errresp.Style) {
	t.Helper()
	for _, f := range Failures() {
		if f.Kind == errresp.RateLimited {
			for i := range 3 {
				if resp := Do(t, base, f, ""); resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: request %d answered %d", f.Name, i+1, resp.StatusCode)
				}
			}
		}
		resp := Do(t, base, f, "check-"+strings.ReplaceAll(f.Name, " ", "-"))
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != f.Status || resp.Header.Get("Content-Type") != s.ContentType {
			t.Fatalf("%s: %d %s %s", f.Name, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
		e := errresp.DecodeBody(resp.StatusCode, resp.Header.Get("Content-Type"), b)
		if e == nil || e.Kind != f.Kind || e.RequestID != "check-"+strings.ReplaceAll(f.Name, " ", "-") {
			t.Fatalf("%s: %s decodes as %+v, want kind %s", f.Name, b, e, f.Kind)
		}
		if f.Field != "" && !hasField(e, f.Field) {
			t.Fatalf("%s: %s does not list field %q", f.Name, b, f.Field)
		}
	}
}

// Do sends f to base with the request id, if any, and returns the response
// with its body still to read (closed when the test ends).
func Do(t testing.TB, base string, f Failure, requestID string) *http.Response {
	t.Helper()
	var body io.Reader
	if f.Body != "" {
		body = strings.NewReader(f.Body)
	}
	req, err := http.NewRequest(f.Method, base+f.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if f.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if f.Key {
		req.Header.Set("X-API-Key", Key)
	}
	if requestID != "" {
		req.Header.Set("X-Request-ID", requestID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func hasField(e *errresp.Error, name string) bool {
	for _, f := range e.Fields {
		if f.Field == name {
			return true
		}
	}
	return false
}

// CheckExample runs Check against newService, built in each of the five
// styles and served on a real listener, and checks that the example's key
// is Key.
func CheckExample(t *testing.T, newService func(*errresp.Style) http.Handler, key string) {
	t.Helper()
	if key != Key {
		t.Fatalf("the example's key %q differs from the shared check's", key)
	}
	ForStyles(t, func(t *testing.T, s *errresp.Style) { Check(t, Serve(t, newService(s)).URL, s) })
}
