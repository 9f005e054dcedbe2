package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStacks checks that both stacks answer every route of the load mix with
// the same status, so the load run compares like with like.
func TestStacks(t *testing.T) {
	t.Parallel()
	const valid = `{"name":"web-02","size":4,"region":"eu-west","image_id":"0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b"}`
	const invalid = `{"name":"w","size":400,"region":"eu-west","image_id":"0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b"}`
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"health", "GET", "/healthz", "", 200},
		{"list", "GET", "/v1/vms", "", 200},
		{"get", "GET", "/v1/vms/" + knownID, "", 200},
		{"get unknown", "GET", "/v1/vms/0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b", "", 404},
		{"get malformed id", "GET", "/v1/vms/not-a-uuid", "", 400},
		{"create", "POST", "/v1/vms", valid, 201},
		{"create invalid", "POST", "/v1/vms", invalid, 400},
		{"unknown route", "GET", "/v1/nothing-here", "", 404},
	}
	for _, stack := range []string{"bare", "full"} {
		h := map[string]http.Handler{"bare": bareStack(), "full": fullStack()}[stack]
		for _, c := range cases {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				r.Header.Set("X-API-Key", apiKey)
				if c.body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != c.status {
					t.Errorf("status %d, want %d; body %s", w.Code, c.status, w.Body)
				}
			})
		}
	}
}
