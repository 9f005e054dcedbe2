package adaptertest

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// ReadmeService checks the service the README shows for each framework,
// served at srv in the GPCN style with GoodKey known: POST /v1/items (a
// name of at least 3 characters, behind the key), GET /legacy answering
// 401, and the router's 404 and 405.
func ReadmeService(t *testing.T, srv *httptest.Server) {
	t.Helper()
	for _, tc := range []struct {
		method, path, body string
		key                bool
		status             int
		kind               errresp.Kind
	}{
		{"POST", "/v1/items", `{"name":"x"}`, true, 400, errresp.InvalidRequest},
		{"POST", "/v1/items", `{"name":"xyz"}`, true, 201, errresp.Unknown},
		{"POST", "/v1/items", `{"name":"xyz"}`, false, 401, errresp.NotAuthenticated},
		{"GET", "/legacy", "", false, 401, errresp.NotAuthenticated},
		{"GET", "/nowhere", "", false, 404, errresp.NotFound},
		{"DELETE", "/legacy", "", false, 405, errresp.MethodNotAllowed},
	} {
		var hdr []string
		if tc.key {
			hdr = []string{"X-API-Key", GoodKey}
		}
		got := Call(t, srv, tc.method, tc.path, tc.body, hdr...)
		if got.Status != tc.status {
			t.Fatalf("%s %s: %d %s", tc.method, tc.path, got.Status, got.Body)
		}
		if tc.kind == errresp.Unknown {
			continue
		}
		if d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body)); d == nil || d.Kind != tc.kind ||
			!strings.Contains(got.Body, `"success":false`) {
			t.Fatalf("%s %s: %s decodes as %+v", tc.method, tc.path, got.Body, d)
		}
	}
}
