package load

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, base string
		ok         bool
	}{
		{"ipv4 loopback", "http://127.0.0.1:8080", true},
		{"other loopback", "http://127.0.0.2:8080", true},
		{"localhost", "http://localhost:8080", true},
		{"ipv6 loopback", "http://[::1]:8080", true},
		{"private", "http://10.0.0.1:8080", false},
		{"public", "http://93.184.216.34", false},
		{"name", "http://example.com", false},
		{"https", "https://127.0.0.1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if _, err := checkLoopback(c.base); (err == nil) != c.ok {
				t.Errorf("checkLoopback(%q) = %v, want ok %v", c.base, err, c.ok)
			}
		})
	}
}

func TestLoopbackOnly(t *testing.T) {
	t.Parallel()
	if err := loopbackOnly("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("loopback refused: %v", err)
	}
	if err := loopbackOnly("tcp", "192.168.1.1:80", nil); err == nil {
		t.Error("192.168.1.1 allowed")
	}
}

func TestParseRequests(t *testing.T) {
	t.Parallel()
	got, err := parseRequests([]string{"get /a", `POST /b {"x": 1}`})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].method != "GET" || got[0].path != "/a" || got[0].body != nil {
		t.Errorf("first: %+v", got[0])
	}
	if got[1].method != "POST" || got[1].path != "/b" || string(got[1].body) != `{"x": 1}` {
		t.Errorf("second: %+v", got[1])
	}
	for _, bad := range []string{"GET", "GET a", ""} {
		if _, err := parseRequests([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestRun loads a test server for a short, bounded run and checks what it
// counted; it asserts counts and statuses, never speed.
func TestRun(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test") != "1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	res, err := Run(srv.URL, []string{"GET /ok", "GET /missing"}, []string{"X-Test: 1"}, 2, time.Minute, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 100 || res.Errors != 0 {
		t.Errorf("requests %d errors %d, want 100 and 0", res.Requests, res.Errors)
	}
	if res.Statuses["200"] != 50 || res.Statuses["404"] != 50 {
		t.Errorf("statuses %v, want 50 of 200 and 50 of 404", res.Statuses)
	}
	if res.P50us <= 0 || res.P99us < res.P50us {
		t.Errorf("p50 %v p99 %v", res.P50us, res.P99us)
	}
}
