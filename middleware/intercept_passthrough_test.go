package middleware

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// readFromSpy sits above the library's writer and counts the ReadFrom
// calls that reach the server's own writer (sendfile).
type readFromSpy struct {
	http.ResponseWriter
	n *atomic.Int32
}

func (s readFromSpy) ReadFrom(src io.Reader) (int64, error) {
	s.n.Add(1)
	return s.ResponseWriter.(io.ReaderFrom).ReadFrom(src)
}

func (s readFromSpy) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// leftAloneRoutes are handlers whose responses the library must pass byte
// for byte. release is closed by the test to let the streaming handler go on.
func leftAloneRoutes(t *testing.T, file string, release <-chan struct{}) map[string]http.Handler {
	return map[string]http.Handler{
		"/ok": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"42"}`))
		}),
		"/created": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/items/1")
			w.WriteHeader(201)
		}),
		"/redirect": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/ok", http.StatusFound)
		}),
		// JSON errors pass where InterceptJSON(false) says so.
		"/own-json-error": InterceptJSON(false)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(422)
			w.Write([]byte(`{"error":"own","detail":"kept as it is"}`))
		})),
		"/own-problem": InterceptJSON(false)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "Application/Problem+JSON")
			w.WriteHeader(500)
			w.Write([]byte(`{"title":"Internal Server Error","status":500,"detail":"kept as it is"}`))
		})),
		// A body in the service's style (GPCN) passes without the option.
		"/own-envelope": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			const body = `{"success":false,"error":"VM_BUSY","message":"vm-7 is being resized"}` + "\n"
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.WriteHeader(409)
			w.Write([]byte(body))
		}),
		"/file": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, file)
		}),
		"/stream": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("data: one\n\n"))
			if err := rc.Flush(); err != nil {
				t.Errorf("Flush: %v", err)
			}
			<-release
			w.Write([]byte("data: two\n\n"))
		}),
		"/controller": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			fmt.Fprintf(w, "read %v write %v duplex %v", rc.SetReadDeadline(farFuture), rc.SetWriteDeadline(farFuture), rc.EnableFullDuplex())
		}),
		"/hijack": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("Hijack: %v", err)
				return
			}
			defer c.Close()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\nX-Own: yes\r\n\r\nhijacked")
			buf.Flush()
		}),
		"/early-hints": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</app.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Write([]byte("after hints"))
		}),
		"/not-modified": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v1"`)
			w.WriteHeader(http.StatusNotModified)
		}),
	}
}

var farFuture = mustTime("2099-01-01T00:00:00Z")

// response is what a client saw, for comparing two servers.
type response struct {
	status int
	header string // sorted "Key: value" lines, without Date and X-Request-Id
	body   string
	hints  int // 1xx responses seen
}

func fetch(t *testing.T, method, url string) response {
	t.Helper()
	var hints atomic.Int32
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got1xxResponse: func(int, textproto.MIMEHeader) error { hints.Add(1); return nil },
	})
	req, _ := http.NewRequestWithContext(ctx, method, url, nil)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for k, v := range resp.Header {
		if k == "Date" || k == "X-Request-Id" {
			continue
		}
		lines = append(lines, k+": "+strings.Join(v, ", "))
	}
	sort.Strings(lines)
	return response{resp.StatusCode, strings.Join(lines, "\n"), string(body), int(hints.Load())}
}

// TestLeftAlone: behind the README's stack (chi and ServeMux), successes,
// redirects, 1xx, 304, a handler's own JSON errors in the service's style
// (or anywhere below InterceptJSON(false)), a file sent with
// sendfile, a flushed stream, a hijacked connection and HEAD are exactly what
// the bare handler sends, and http.ResponseController works through it.
func TestLeftAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(file, bytes.Repeat([]byte("0123456789abcdef"), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	for stackName, stack := range stacks {
		t.Run(stackName, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			routes := leftAloneRoutes(t, file, release)
			bareMux := http.NewServeMux()
			for p, h := range routes {
				bareMux.Handle(p, h)
			}
			bare := httptest.NewServer(bareMux)
			defer bare.Close()
			var readFroms atomic.Int32
			wrapped := httptest.NewServer(mwChain(stack(errresp.GPCN(), "/", bareMux), func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					next.ServeHTTP(readFromSpy{w, &readFroms}, r)
				})
			}))
			defer wrapped.Close()

			for _, path := range []string{"/ok", "/created", "/redirect", "/own-json-error", "/own-problem", "/own-envelope", "/file",
				"/controller", "/hijack", "/early-hints", "/not-modified"} {
				for _, method := range []string{"GET", "HEAD"} {
					if path == "/hijack" && method == "HEAD" {
						continue
					}
					want, got := fetch(t, method, bare.URL+path), fetch(t, method, wrapped.URL+path)
					if got != want {
						t.Errorf("%s %s:\n got %+v\nwant %+v", method, path, got, want)
					}
				}
			}
			if readFroms.Load() == 0 {
				t.Error("the file was not sent through io.ReaderFrom")
			}
			if got := fetch(t, "GET", wrapped.URL+"/controller"); got.body != "read <nil> write <nil> duplex <nil>" {
				t.Errorf("ResponseController through the writer: %s", got.body)
			}

			// A stream: the first event arrives before the handler writes
			// the second, so nothing is buffered.
			resp, err := http.Get(wrapped.URL + "/stream")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			br := bufio.NewReader(resp.Body)
			line, err := br.ReadString('\n')
			if err != nil || line != "data: one\n" {
				t.Fatalf("first event %q, %v", line, err)
			}
			close(release)
			rest, _ := io.ReadAll(br)
			if string(rest) != "\ndata: two\n\n" || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Errorf("stream rest %q, type %q", rest, resp.Header.Get("Content-Type"))
			}
		})
	}
}

// TestHeadOfAnError: HEAD of a route that answers an error gets the
// envelope's headers and no body.
func TestHeadOfAnError(t *testing.T) {
	t.Parallel()
	for stackName, stack := range stacks {
		t.Run(stackName, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(stack(errresp.Gcore(), "/gone", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "it went", http.StatusGone)
			})))
			defer srv.Close()
			get, head := fetch(t, "GET", srv.URL+"/gone"), fetch(t, "HEAD", srv.URL+"/gone")
			if head.status != 410 || head.body != "" || !strings.Contains(head.header, "Content-Type: application/json") {
				t.Fatalf("HEAD: %+v", head)
			}
			if !strings.Contains(get.body, `"exception_class":"GoneError","message":"it went"`) {
				t.Fatalf("GET: %+v", get)
			}
		})
	}
}

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
