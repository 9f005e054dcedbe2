package main

import (
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// walkLegacy: the /legacy routes, written without the library, answer every
// failure with the style's envelope; their successes, files and HEAD are
// their own.
func walkLegacy(t *testing.T, s *server) {
	resp, body := s.do(t, "GET", "/legacy/hello", "")
	s.ok(t, resp, body, 200, nil)
	if string(body) != "hello from the old code\n" {
		t.Errorf("hello: %q", body)
	}
	resp, body = s.do(t, "HEAD", "/legacy/hello", "")
	if resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD hello: %d %q", resp.StatusCode, body)
	}
	resp, body = s.do(t, "GET", "/legacy/files/hello.txt", "")
	s.ok(t, resp, body, 200, nil)
	if !strings.HasPrefix(string(body), "a file served") {
		t.Errorf("file: %q", body)
	}
	resp, body = s.do(t, "GET", "/legacy/items/1", "")
	s.ok(t, resp, body, 200, &map[string]string{})

	for _, tc := range []struct {
		method, path, body string
		header             []string
		kind               errresp.Kind
		message            string // "" means the style's summary
	}{
		{"GET", "/legacy/items/2", "", nil, errresp.NotFound, "item 2 not found"},
		{"POST", "/legacy/items", `{"name":"widget"}`, nil, errresp.Conflict, "an item named widget exists already"},
		{"POST", "/legacy/items", `{"name":"` + strings.Repeat("x", 2000) + `"}`, nil, errresp.PayloadTooLarge, "http: request body too large"},
		{"POST", "/legacy/items", "widget", []string{"Content-Type", "text/plain"}, errresp.UnsupportedMediaType, ""},
		{"GET", "/legacy/report", "", nil, errresp.Internal, ""},
		{"GET", "/legacy/admin", "", nil, errresp.NotAuthenticated, "unauthorized"},
		{"GET", "/legacy/orders/7", "", nil, errresp.Internal, ""},
		{"POST", "/legacy/orders", `{"quantity":0}`, nil, errresp.InvalidRequest, "quantity must be positive"},
		{"GET", "/legacy/slow", "", nil, errresp.Unavailable, ""},
		{"GET", "/legacy/files/nope.txt", "", nil, errresp.NotFound, "404 page not found"},
		{"GET", "/legacy/upstream", "", nil, errresp.BadGateway, ""},
		{"GET", "/legacy/crash", "", nil, errresp.Internal, ""},
		{"GET", "/legacy/old/things/7", "", nil, errresp.InvalidRequest, "the old API has no thing 7"},
	} {
		resp, body := s.do(t, tc.method, tc.path, tc.body, tc.header...)
		e := s.fail(t, resp, body, tc.kind)
		want := tc.message
		if want == "" {
			want = s.style.Code(tc.kind).Title
		}
		if e.Message != want {
			t.Errorf("%s %s: message %q, want %q", tc.method, tc.path, e.Message, want)
		}
		// The problem type names the service's own address; the upstream's must not appear.
		own := strings.ReplaceAll(string(body), s.reference, "")
		if strings.Contains(own, "pq:") || strings.Contains(own, "10.1.2.3") || strings.Contains(own, "127.0.0.1") {
			t.Errorf("%s %s leaks: %s", tc.method, tc.path, body)
		}
		if tc.path == "/legacy/orders" && (len(e.Fields) != 1 || e.Fields[0].Field != "quantity" || e.Fields[0].Message != "must be at least 1") {
			t.Errorf("POST /legacy/orders: fields %+v", e.Fields)
		}
		if tc.kind == errresp.NotAuthenticated && resp.Header.Get("WWW-Authenticate") != `Basic realm="legacy admin"` {
			t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
		}
	}
}
