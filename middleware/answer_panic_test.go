package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// A panic while answering an error (a style's Encode, an OnError hook, a
// RecovererMap) still answers: a 500 in the request's style, the panic
// logged once, and the connection serves the next request.
func TestPanicWhileAnswering(t *testing.T) {
	mwUseTestLogs()

	gpcnInternal, _ := errresp.Render(errresp.GPCN(), errresp.New(errresp.Internal, ""), "")
	notFoundPanics := &errresp.Style{Name: "notfound-panics", ContentType: "application/json", Codes: errresp.GPCN().Codes,
		Encode: func(o *errresp.Object, env *errresp.Envelope) {
			if env.Kind == errresp.NotFound {
				panic("encode: no code for this kind")
			}
			errresp.GPCN().Encode(o, env)
		}}
	alwaysPanics := &errresp.Style{Name: "always-panics", ContentType: "application/json", Codes: errresp.GPCN().Codes,
		Encode: func(*errresp.Object, *errresp.Envelope) { panic("encode: broken") }}
	panicHook := func(*http.Request, *errresp.Error, int) { panic("hook: metrics down") }
	mapPanics := RecovererMap(func(*http.Request, any) *errresp.Error { panic("map: broken") })

	for _, c := range []struct {
		name     string
		style    *errresp.Style
		hook     bool
		recOpts  []RecovererOption
		target   string
		wantBody string // "": the style's Internal envelope with the request id
		wantLog  string
	}{
		{"encode", notFoundPanics, false, nil, "/missing", string(gpcnInternal), "panic while writing an error response; a fixed 500 sent"},
		{"encode always", alwaysPanics, false, nil, "/missing", `{"status":500,"title":"Internal Server Error"}` + "\n", "panic while writing an error response; a fixed 500 sent"},
		{"hook", errresp.GPCN(), true, nil, "/missing", string(gpcnInternal), "panic while writing an error response; a fixed 500 sent"},
		{"hook on a recovered panic", errresp.GPCN(), true, nil, "/panic", string(gpcnInternal), "panic while writing an error response; a fixed 500 sent"},
		{"RecovererMap", errresp.GPCN(), false, []RecovererOption{mapPanics}, "/panic", "", "RecovererMap panicked; the default envelope answers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
				_, _ = errresp.Write(w, r, errresp.New(errresp.NotFound, "No such thing."))
			})
			mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("handler bug") })
			mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
			var h http.Handler = mux
			if c.hook {
				h = OnError(panicHook)(h)
			}
			h = RequestID()(Recoverer(c.recOpts...)(Style(c.style, StyleNoNegotiate())(h)))
			srv := httptest.NewServer(h)
			defer srv.Close()

			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			id := mwNewID(t)
			get := func(target string) (*http.Response, string) {
				t.Helper()
				if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: x\r\nX-Request-ID: "+id+"\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("GET %s: %v", target, err)
				}
				b, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatalf("GET %s: body: %v", target, err)
				}
				return resp, string(b)
			}
			resp, body := get(c.target)
			if resp.StatusCode != 500 || resp.Close {
				t.Fatalf("status %d (close %v), want 500 on a kept connection; body %s", resp.StatusCode, resp.Close, body)
			}
			if c.wantBody != "" && body != c.wantBody {
				t.Errorf("body %q, want the fixed %q", body, c.wantBody)
			}
			if c.wantBody == "" && (!strings.Contains(body, id) || !strings.Contains(body, `"message":"`+errresp.DecodeBody(500, "application/json", gpcnInternal).Message+`"`)) {
				t.Errorf("body %q, want the style's Internal envelope with the request id", body)
			}
			if resp.Header.Get("X-Request-ID") != id {
				t.Errorf("X-Request-ID %q, want %q", resp.Header.Get("X-Request-ID"), id)
			}
			if resp, body := get("/ok"); resp.StatusCode != 200 || body != "ok" {
				t.Errorf("the next request on the connection: %d %q", resp.StatusCode, body)
			}
			n := 0
			for _, l := range mwLogsFor(id) {
				if l.msg == c.wantLog {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d lines %q, want 1; lines %+v", n, c.wantLog, mwLogsFor(id))
			}
		})
	}
}
