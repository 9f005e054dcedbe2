package middleware

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
)

// rawGet sends a GET over a plain TCP connection and returns the status,
// the number of body bytes and the headers the client received.
func rawGet(t *testing.T, addr, path string) (status, n int, h http.Header) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, len(body), resp.Header
}

// headerFormatter is chi's default formatter that also keeps the headers
// each request's entry was written with, by path.
type headerFormatter struct {
	chimw.LogFormatter
	mu  sync.Mutex
	got map[string]http.Header
}

func (f *headerFormatter) NewLogEntry(r *http.Request) chimw.LogEntry {
	return &headerEntry{LogEntry: f.LogFormatter.NewLogEntry(r), f: f, path: r.URL.Path}
}

type headerEntry struct {
	chimw.LogEntry
	f    *headerFormatter
	path string
}

func (e *headerEntry) Write(status, bytes int, header http.Header, elapsed time.Duration, extra any) {
	e.f.mu.Lock()
	e.f.got[e.path] = header.Clone()
	e.f.mu.Unlock()
	e.LogEntry.Write(status, bytes, header, elapsed, extra)
}

var chiLogLine = regexp.MustCompile(`"GET http://x(/\S*) HTTP/1.1" from \S+ - (\d{3}) (\d+)B`)

// chi's Logger (its default formatter, into a buffer), mounted above,
// inside and below the library's stack, logs the status and the byte count
// the client received, for a returned error, errresp.Write from a handler,
// an intercepted http.Error and WriteHeader, a handler's own JSON error, and
// a panic.
func TestChiLoggerSeesWhatTheClientReceives(t *testing.T) {
	t.Parallel()
	handlers := map[string]http.Handler{
		"returned": Handler(func(http.ResponseWriter, *http.Request) error { return errors.New("db down") }),
		"written": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			errresp.Write(w, r, errresp.New(errresp.NotFound, "No such VM."))
		}),
		"http.Error 500":  http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "pq: no", 500) }),
		"http.Error 404":  http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "404 page not found", 404) }),
		"WriteHeader 503": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }),
		"own JSON 500": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			_, _ = io.WriteString(w, `{"error":"pq: password authentication failed"}`)
		}),
		"panic": http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }),
		"success": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "hello")
		}),
	}
	// A panic unwinds through a logger before any recoverer above it runs
	// (chi says the same of its own Recoverer), so every placement has a
	// Recoverer of ours beneath the logger.
	stacks := []string{"above", "below RequestID", "inside", "below the stack"}
	for _, sname := range stacks {
		t.Run(sname, func(t *testing.T) {
			t.Parallel()
			var logs redistest.Log
			hf := &headerFormatter{LogFormatter: &chimw.DefaultLogFormatter{Logger: log.New(&logs, "", 0), NoColor: true}, got: map[string]http.Header{}}
			logger := chimw.RequestLogger(hf)
			mux := http.NewServeMux()
			for name, h := range handlers {
				var mws []func(http.Handler) http.Handler
				switch sname {
				case "above": // chi's own advice
					mws = []func(http.Handler) http.Handler{logger, RequestID(), Recoverer(), Style(errresp.GPCN())}
				case "below RequestID": // the README's, so that it logs the id
					mws = []func(http.Handler) http.Handler{RequestID(), logger, Recoverer(), Style(errresp.GPCN())}
				case "inside":
					mws = []func(http.Handler) http.Handler{RequestID(), Style(errresp.GPCN()), logger, Recoverer()}
				default: // below the whole stack, a Recoverer beneath it
					mws = []func(http.Handler) http.Handler{RequestID(), Recoverer(), Style(errresp.GPCN()), logger, Recoverer()}
				}
				mux.Handle("/"+strings.ReplaceAll(name, " ", "-"), mwChain(h, mws...))
			}
			srv := httptest.NewServer(mux)
			defer srv.Close()
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			got := map[string][2]int{}
			for name := range handlers {
				path := "/" + strings.ReplaceAll(name, " ", "-")
				status, n, h := rawGet(t, srv.Listener.Addr().String(), path)
				got[path] = [2]int{status, n}
				hf.mu.Lock()
				lh := hf.got[path]
				hf.mu.Unlock()
				for _, k := range []string{"Content-Type", "X-Request-Id", "Cache-Control", "X-Content-Type-Options"} {
					if path == "/success" {
						break // net/http sniffs its Content-Type on the wire
					}
					if lh.Get(k) != h.Get(k) {
						t.Errorf("%s: chi's Logger saw %s %q, the client received %q", path, k, lh.Get(k), h.Get(k))
					}
				}
			}
			srv.Close()
			logged := map[string][2]int{}
			for _, m := range chiLogLine.FindAllStringSubmatch(logs.String(), -1) {
				st, _ := strconv.Atoi(m[2])
				n, _ := strconv.Atoi(m[3])
				logged[m[1]] = [2]int{st, n}
			}
			for path, want := range got {
				if logged[path] != want {
					t.Errorf("%s: chi's Logger logged %d %dB, the client received %d %dB", path, logged[path][0], logged[path][1], want[0], want[1])
				}
				if want[0] == 0 || (path != "/success" && want[0] < 400) {
					t.Errorf("%s: the client received %d", path, want[0])
				}
			}
		})
	}
}
