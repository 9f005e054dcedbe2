package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
)

// binary is the example built once for every test of the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "apierror-example-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "example")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the example:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is one running example process.
type server struct {
	base  string         // http://127.0.0.1:PORT
	out   *redistest.Log // what it printed
	style *errresp.Style
	// problem is the style a client gets with Accept: application/problem+json:
	// its types lead to the example's reference page.
	problem   *errresp.Style
	reference string       // the URL of problem's reference page, its types' prefix
	client    *http.Client // with a cookie jar, as a browser or curl -b/-c
	stop      func(t *testing.T) time.Duration
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// bannerEnd starts the banner's last line.
const bannerEnd = "the error reference of this style:"

// startServer starts the example with args on a free port and stops it with
// SIGTERM when the test ends, checking that it shuts down cleanly.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	return startServerStoppedBy(t, syscall.SIGTERM, args...)
}

// startServerStoppedBy is startServer stopping the example with sig.
func startServerStoppedBy(t *testing.T, sig os.Signal, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, logs redistest.Log
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	banner := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stdout)
		base := ""
		for sc.Scan() {
			fmt.Fprintln(&out, sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
			}
			if strings.HasPrefix(sc.Text(), bannerEnd) && base != "" {
				banner <- base // the whole banner has been printed
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { <-copied; exited <- cmd.Wait() }()

	s := &server{style: errresp.Problem(), out: &out}
	select {
	case s.base = <-banner:
	case err := <-exited:
		t.Fatalf("example exited before listening: %v\n%s%s", err, out.String(), logs.String())
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("example did not print where it listens:\n%s%s", out.String(), logs.String())
	}
	url := s.base
	for i, a := range args {
		if a == "-style" && i+1 < len(args) {
			s.style, _ = errresp.StyleNamed(args[i+1])
		}
		if a == "-url" && i+1 < len(args) {
			url = args[i+1]
		}
	}
	s.reference = url + problemReferencePath
	s.problem = errresp.NewProblem("", errresp.ProblemReference(s.reference))
	if s.style == errresp.Problem() {
		s.style = s.problem
	}
	jar, _ := cookiejar.New(nil)
	s.client = &http.Client{Jar: jar, Timeout: 10 * time.Second}

	var once sync.Once
	// stop signals the example with sig, checks that it exits cleanly
	// within 10 s, and returns how long it took.
	s.stop = func(t *testing.T) (took time.Duration) {
		once.Do(func() {
			start := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Errorf("signalling the example: %v", err)
				return
			}
			select {
			case err := <-exited:
				took = time.Since(start)
				if err != nil {
					t.Errorf("example exited with %v after %v\n%s", err, sig, logs.String())
				}
				if !strings.Contains(out.String(), "stopped") {
					t.Errorf("example did not report a clean shutdown:\n%s", out.String())
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				took = 10 * time.Second
				t.Errorf("example did not stop within 10 s of %v", sig)
			}
			if t.Failed() {
				t.Logf("example's log:\n%s", logs.String())
			}
		})
		return took
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// do sends one request; header holds name, value pairs.
func (s *server) do(t *testing.T, method, path, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return resp, b
}

// requestID checks that the response carries exactly one request id header
// and returns it.
func requestID(t *testing.T, resp *http.Response) string {
	t.Helper()
	ids := resp.Header.Values(errresp.HeaderRequestID)
	if len(ids) != 1 || ids[0] == "" {
		t.Fatalf("%s headers %q, want one id", errresp.HeaderRequestID, ids)
	}
	return ids[0]
}

// ok checks a successful response: its status, its request id and its JSON
// body (when it has one), which it decodes into into (when not nil).
func (s *server) ok(t *testing.T, resp *http.Response, body []byte, status int, into any) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, body)
	}
	requestID(t, resp)
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("body is not the JSON expected: %v\n%s", err, body)
		}
	}
}

// fail checks that the response is the envelope of kind in the server's
// style: the style's status and content type, a request id in the header
// and in the body, and a body that is valid JSON which, decoded and rendered
// again in the style, gives the same bytes (so it has exactly the style's
// members, in the style's order).
func (s *server) fail(t *testing.T, resp *http.Response, body []byte, kind errresp.Kind) *errresp.Error {
	t.Helper()
	return failIn(t, s.style, resp, body, kind)
}

func failIn(t *testing.T, style *errresp.Style, resp *http.Response, body []byte, kind errresp.Kind) *errresp.Error {
	t.Helper()
	want := style.Code(kind)
	if resp.StatusCode != want.Status {
		t.Fatalf("status %d, want %d (%s in %s); body %s", resp.StatusCode, want.Status, kind, style.Name, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != style.ContentType {
		t.Errorf("Content-Type %q, want %q", ct, style.ContentType)
	}
	id := requestID(t, resp)
	if !json.Valid(body) {
		t.Fatalf("body is not valid JSON: %s", body)
	}
	e := errresp.DecodeBody(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	if e.Kind != kind {
		t.Fatalf("kind %s, want %s; body %s", e.Kind, kind, body)
	}
	if e.RequestID != id {
		t.Errorf("body's request id %q, header's %q", e.RequestID, id)
	}
	again, _ := errresp.Render(style, e, id)
	if !bytes.Equal(again, body) {
		t.Errorf("body is not a %s envelope:\n got %s\nwant %s", style.Name, body, again)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		e.RetryAfter = parseSeconds(t, ra)
	}
	return e
}

func parseSeconds(t *testing.T, s string) time.Duration {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || fmt.Sprint(n) != s {
		t.Fatalf("%q is not a number of seconds", s)
	}
	return time.Duration(n) * time.Second
}

// header pairs for the demo credentials.
var (
	asAdmin  = []string{"X-API-Key", keyAdmin}
	asReader = []string{"X-API-Key", keyReader}
)
