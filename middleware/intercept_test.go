package middleware

import (
	"bufio"
	"bytes"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
)

// A producer that knows nothing of the library, mounted at a path.
type producer struct {
	name    string
	pattern string // a ServeMux pattern; a trailing "/" is a subtree ("/*" in chi)
	path    string // the request's path
	method  string
	header  http.Header // request headers
	body    string      // request body
	handler func(t *testing.T, b *busy) http.Handler
	// throttled: the handler's only slot is taken (by b) before the request.
	throttled bool
	// What the client must get.
	status  int
	kind    errresp.Kind
	message string // a 4xx's message; "" means the style's summary
	code    string // a 4xx's code carried over from its body
	fields  []errresp.FieldError
	kept    map[string]string // response headers the envelope keeps
	secrets []string          // text that must not reach the client
}

// deadUpstream returns the URL of a loopback port nothing listens on.
func deadUpstream(t *testing.T) *url.URL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	ln.Close()
	return u
}

// slowUpstream returns an upstream that answers nothing until the test ends.
func slowUpstream(t *testing.T) *url.URL {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	u, _ := url.Parse(srv.URL)
	return u
}

// busy is a handler that holds its slot until release is closed, and says
// when it holds it.
type busy struct {
	in      chan struct{}
	release chan struct{}
}

func newBusy() *busy { return &busy{in: make(chan struct{}), release: make(chan struct{})} }

func (b *busy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Hold") != "" {
		close(b.in)
		<-b.release
	}
	w.Write([]byte("ok"))
}

// occupy sends a request that holds the handler's only slot until the
// returned function (or the end of the test) releases it.
func occupy(t *testing.T, h http.Handler, b *busy, path string) (release func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("X-Hold", "1")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}()
	<-b.in
	var once sync.Once
	release = func() { once.Do(func() { close(b.release); <-done }) }
	t.Cleanup(release)
	return release
}

const leak = "pq: password authentication failed for user \"app\" at 10.1.2.3"

func producers() []producer {
	return []producer{
		{name: "http.Error 400", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, "  name must be <b>set</b>\x07\nsecond line", 400)
				})
			},
			status: 400, kind: errresp.InvalidRequest, message: "name must be set"},
		{name: "http.Error 404", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no such item", 404) })
			},
			status: 404, kind: errresp.NotFound, message: "no such item"},
		{name: "http.NotFound", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler { return http.HandlerFunc(http.NotFound) },
			status:  404, kind: errresp.NotFound, message: "404 page not found"},
		{name: "http.Error 409", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "name taken", 409) })
			},
			status: 409, kind: errresp.Conflict, message: "name taken"},
		{name: "http.Error 500 leaks nothing", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, leak, 500) })
			},
			status: 500, kind: errresp.Internal, secrets: []string{"pq:", "10.1.2.3", "password"}},
		{name: "WriteHeader 401 with WWW-Authenticate", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("WWW-Authenticate", `Basic realm="legacy"`)
					w.WriteHeader(401)
					w.Write([]byte("unauthorized"))
				})
			},
			status: 401, kind: errresp.NotAuthenticated, message: "unauthorized",
			kept: map[string]string{"Www-Authenticate": `Basic realm="legacy"`}},
		{name: "client headers kept", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					h := w.Header()
					h.Set("Retry-After", "30")
					h.Set("X-RateLimit-Limit", "10")
					h.Set("X-RateLimit-Remaining", "0")
					h.Set("RateLimit-Policy", "10;w=60")
					h.Set("Set-Cookie", "seen=1")
					h.Set("Location", "/elsewhere")
					h.Set("Allow", "GET")
					h.Set("Content-Encoding", "gzip")
					h.Set("ETag", `"v1"`)
					http.Error(w, "slow down", 429)
				})
			},
			status: 429, kind: errresp.RateLimited, message: "slow down",
			kept: map[string]string{"Retry-After": "30", "X-Ratelimit-Limit": "10", "X-Ratelimit-Remaining": "0",
				"Ratelimit-Policy": "10;w=60", "Set-Cookie": "seen=1", "Location": "/elsewhere", "Allow": "GET",
				"Content-Encoding": "", "Etag": "", "Content-Length": ""}},
		{name: "http.TimeoutHandler", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.TimeoutHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					<-r.Context().Done()
				}), time.Millisecond, "")
			},
			status: 503, kind: errresp.Unavailable, secrets: []string{"<html>", "Timeout"}},
		{name: "MaxBytesReader then http.Error", pattern: "/p", path: "/p", method: "POST", body: strings.Repeat("x", 100),
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					r.Body = http.MaxBytesReader(w, r.Body, 10)
					if _, err := io.ReadAll(r.Body); err != nil {
						http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
					}
				})
			},
			status: 413, kind: errresp.PayloadTooLarge, message: "http: request body too large"},
		{name: "StripPrefix and FileServer, missing file", pattern: "/static/", path: "/static/nope.txt",
			handler: func(*testing.T, *busy) http.Handler {
				fs := fstest.MapFS{"here.txt": {Data: []byte("here")}}
				return http.StripPrefix("/static", http.FileServerFS(fs))
			},
			status: 404, kind: errresp.NotFound, message: "404 page not found"},
		{name: "chi AllowContentType", pattern: "/p", path: "/p", method: "POST", body: "x",
			header: http.Header{"Content-Type": {"text/plain"}},
			handler: func(*testing.T, *busy) http.Handler {
				return chimw.AllowContentType("application/json")(mwOkHandler)
			},
			status: 415, kind: errresp.UnsupportedMediaType},
		{name: "chi Throttle", pattern: "/p", path: "/p",
			handler:   func(_ *testing.T, b *busy) http.Handler { return chimw.Throttle(1)(b) },
			throttled: true,
			status:    429, kind: errresp.RateLimited, message: "Server capacity exceeded."},
		{name: "ReverseProxy to a dead upstream", pattern: "/p", path: "/p",
			handler: func(t *testing.T, _ *busy) http.Handler {
				p := httputil.NewSingleHostReverseProxy(deadUpstream(t))
				p.ErrorLog = quietLog()
				return p
			},
			status: 502, kind: errresp.BadGateway, secrets: []string{"127.0.0.1", "refused"}},
		{name: "ServeMux under the router, http.Error", pattern: "/legacy/", path: "/legacy/x",
			handler: func(*testing.T, *busy) http.Handler {
				mux := http.NewServeMux()
				mux.HandleFunc("/legacy/x", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "legacy says no", 400) })
				return mux
			},
			status: 400, kind: errresp.InvalidRequest, message: "legacy says no"},
		{name: "chi Recoverer below ours", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return chimw.Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom: " + leak) }))
			},
			status: 500, kind: errresp.Internal, secrets: []string{"boom", "pq:"}},
		{name: "status no kind names (419)", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "page expired", 419) })
			},
			status: 419, kind: errresp.ClientError, message: "page expired"},
		{name: "HTML error page", pattern: "/p", path: "/p",
			handler: func(*testing.T, *busy) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.WriteHeader(410)
					w.Write([]byte("<html><body><h1>Gone</h1></body></html>"))
				})
			},
			status: 410, kind: errresp.Gone, secrets: []string{"<h1>"}},
		// The library's own producers.
		{name: "ProxyErrorHandler, dead upstream", pattern: "/p", path: "/p",
			handler: func(t *testing.T, _ *busy) http.Handler {
				p := httputil.NewSingleHostReverseProxy(deadUpstream(t))
				p.ErrorHandler = ProxyErrorHandler
				return p
			},
			status: 502, kind: errresp.BadGateway, secrets: []string{"127.0.0.1"}},
		{name: "ProxyErrorHandler, upstream timeout", pattern: "/p", path: "/p",
			handler: func(t *testing.T, _ *busy) http.Handler {
				p := httputil.NewSingleHostReverseProxy(slowUpstream(t))
				p.Transport = &http.Transport{ResponseHeaderTimeout: 20 * time.Millisecond}
				p.ErrorHandler = ProxyErrorHandler
				return p
			},
			status: 504, kind: errresp.Timeout, secrets: []string{"127.0.0.1"}},
		{name: "ConcurrencyLimit", pattern: "/p", path: "/p",
			handler:   func(_ *testing.T, b *busy) http.Handler { return ConcurrencyLimit(1)(b) },
			throttled: true,
			status:    503, kind: errresp.Unavailable,
			kept: map[string]string{"Retry-After": "1"}},
	}
}

// stacks mount a producer behind the README's stack, on chi or on a
// ServeMux, in style s.
var stacks = map[string]func(s *errresp.Style, pattern string, h http.Handler) http.Handler{
	"chi": func(s *errresp.Style, pattern string, h http.Handler) http.Handler {
		r := chi.NewRouter()
		r.Use(RequestID(), Recoverer(), Style(s))
		r.NotFound(NotFound)
		r.MethodNotAllowed(MethodNotAllowed)
		if strings.HasSuffix(pattern, "/") {
			pattern += "*"
		}
		r.Handle(pattern, h)
		return r
	},
	"servemux": func(s *errresp.Style, pattern string, h http.Handler) http.Handler {
		mux := http.NewServeMux()
		mux.Handle(pattern, h)
		return mwChain(ServeMux(mux), RequestID(), Recoverer(), Style(s))
	},
}

// TestForeignErrorsBecomeEnvelopes: every producer that does not know the
// library, mounted behind the README's stack on chi and on a ServeMux, in
// every style, gives the style's envelope with the producer's status, the
// request id in header and body, the headers a client needs, and nothing of
// a 5xx's text.
func TestForeignErrorsBecomeEnvelopes(t *testing.T) {
	t.Parallel()
	for _, p := range append(producers(), jsonProducers()...) {
		for stackName, stack := range stacks {
			for _, s := range errresp.Styles()[:5] {
				t.Run(p.name+"/"+stackName+"/"+s.Name, func(t *testing.T) {
					t.Parallel()
					b := newBusy()
					h := stack(s, p.pattern, p.handler(t, b))
					if p.throttled {
						occupy(t, h, b, p.path)
					}
					method := p.method
					if method == "" {
						method = "GET"
					}
					id := mwNewID(t)
					r := httptest.NewRequest(method, p.path, strings.NewReader(p.body))
					for k, v := range p.header {
						r.Header[k] = v
					}
					r.Header.Set(errresp.HeaderRequestID, id)
					rec := mwServe(h, r)
					got := mwEnvelope(t, rec, s, p.status)
					if got.Kind != p.kind {
						t.Errorf("kind %s, want %s; body %s", got.Kind, p.kind, rec.Body)
					}
					if mwRespID(t, rec) != id || got.RequestID != id {
						t.Errorf("request id: header %q body %q, want %q", mwRespID(t, rec), got.RequestID, id)
					}
					if rec.Header().Get("Cache-Control") != "no-store" {
						t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
					}
					// The body is exactly the envelope of the kind, the status
					// and the message.
					want := &errresp.Error{Kind: p.kind, HTTPStatus: p.status, Message: p.message, Code: p.code, Fields: p.fields}
					wantBody, _ := errresp.Render(s, want, id)
					if !bytes.Equal(rec.Body.Bytes(), wantBody) {
						t.Errorf("body\n got %s\nwant %s", rec.Body, wantBody)
					}
					for k, v := range p.kept {
						if got := strings.Join(rec.Header()[k], ","); got != v {
							t.Errorf("header %s = %q, want %q", k, got, v)
						}
					}
					mwAssertNotContains(t, rec.Body.String(), p.secrets...)
					for k, v := range rec.Header() {
						mwAssertNotContains(t, k+": "+strings.Join(v, ", "), p.secrets...)
					}
				})
			}
		}
	}
}

// quietLog is a log.Logger that drops the reverse proxy's own line.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// TestForeign5xxTextLogged: the text of a 5xx never reaches the client but
// is logged with the request id.
func TestForeign5xxTextLogged(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	h := stacks["chi"](errresp.GPCN(), "/p", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, leak, 500) }))
	rec := mwServe(h, mwRequest("GET", "/p", id))
	mwAssertNotContains(t, rec.Body.String(), "pq:")
	l, ok := mwHasLog(id, "server error from below")
	if !ok || l.level != slog.LevelError || !strings.Contains(l.attrs["body"], leak) || l.attrs["status"] != "500" {
		t.Fatalf("log line %+v (found %v)", l, ok)
	}
}

// TestErrorStreamFlushed: a handler that writes an error status and then
// streams a large body with flushes gets the envelope at its first flush;
// the rest of its body is dropped.
func TestErrorStreamFlushed(t *testing.T) {
	t.Parallel()
	flushed := make(chan struct{})
	resume := make(chan struct{})
	h := stacks["chi"](errresp.AuthPI(), "/p", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		chunk := bytes.Repeat([]byte("backend down "), 1000)
		w.Write(chunk)
		http.NewResponseController(w).Flush()
		close(flushed)
		<-resume
		for range 100 { // 1.3 MB in all
			w.Write(chunk)
			http.NewResponseController(w).Flush()
		}
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/p")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-flushed
	// The envelope is complete before the handler writes on.
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, `{"error":"temporarily_unavailable"`) {
		t.Fatalf("first line %q, %v", line, err)
	}
	close(resume)
	rest, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || len(rest) != 0 {
		t.Fatalf("status %d, %d more bytes", resp.StatusCode, len(rest))
	}
}

// TestInterceptOptOut: Intercept(false) on a group leaves its routes' error
// responses alone; Intercept(true) on one of its routes turns it back on.
func TestInterceptOptOut(t *testing.T) {
	t.Parallel()
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "plain", 400) })
	r := chi.NewRouter()
	r.Use(RequestID(), Recoverer(), Style(errresp.GPCN()))
	r.Get("/on", plain)
	r.Group(func(g chi.Router) {
		g.Use(Intercept(false))
		g.Get("/off", plain)
		g.With(Intercept(true)).Get("/back-on", plain)
	})
	for path, want := range map[string]string{
		"/on":      `{"success":false,"error":"INVALID_REQUEST","message":"plain"`,
		"/off":     "plain\n",
		"/back-on": `{"success":false,"error":"INVALID_REQUEST","message":"plain"`,
	} {
		rec := mwServe(r, mwRequest("GET", path, "x"))
		if rec.Code != 400 || !strings.HasPrefix(rec.Body.String(), want) {
			t.Errorf("%s: %d %q, want %q", path, rec.Code, rec.Body, want)
		}
	}
	// Alone, Intercept(true) starts the per-request state itself.
	rec := mwServe(Intercept(true)(plain), mwRequest("GET", "/", ""))
	if rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("Intercept alone: %q %s", rec.Header().Get("Content-Type"), rec.Body)
	}
}

// TestInterceptUnderTimeout: an error response written below Timeout is
// intercepted into Timeout's buffer and sent as an envelope when the handler
// returns in time.
func TestInterceptUnderTimeout(t *testing.T) {
	t.Parallel()
	h := stacks["chi"](errresp.DevDocs(), "/p", Timeout(time.Minute)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone fishing", http.StatusGone)
	})))
	id := mwNewID(t)
	rec := mwServe(h, mwRequest("GET", "/p", id))
	got := mwEnvelope(t, rec, errresp.DevDocs(), 410)
	if got.Kind != errresp.Gone || got.Message != "gone fishing" || got.RequestID != id {
		t.Fatalf("%+v: %s", got, rec.Body)
	}
	// Intercept(false) below Timeout holds for what Timeout copies out.
	h = stacks["chi"](errresp.DevDocs(), "/p", Timeout(time.Minute)(Intercept(false)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone fishing", http.StatusGone)
	}))))
	rec = mwServe(h, mwRequest("GET", "/p", id))
	if rec.Code != 410 || rec.Body.String() != "gone fishing\n" {
		t.Fatalf("opted out below Timeout: %d %q", rec.Code, rec.Body)
	}
}

// TestHandlerErrorReplacesHeldResponse: a handler that writes an error
// status and then returns an error (or panics) is answered with what it
// returned, not with what it wrote.
func TestHandlerErrorReplacesHeldResponse(t *testing.T) {
	t.Parallel()
	returns := Handler(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(500)
		return errresp.New(errresp.Conflict, "returned")
	})
	panics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		panic("after the status")
	})
	for name, h := range map[string]http.Handler{"returns": returns, "panics": panics} {
		rec := mwServe(stacks["chi"](errresp.Problem(), "/p", h), mwRequest("GET", "/p", "x"))
		want := map[string]int{"returns": 409, "panics": 500}[name]
		if got := mwEnvelope(t, rec, errresp.Problem(), want); got.RequestID != "x" {
			t.Errorf("%s: %+v", name, got)
		}
	}
}
