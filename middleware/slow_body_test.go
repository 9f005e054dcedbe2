package middleware

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// slowServe serves h (behind RequestID and Style) on a real loopback
// listener, with no read timeout of its own, and returns its address; the
// server is closed when the test ends.
func slowServe(t *testing.T, h http.Handler) (string, *http.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mwChain(h, RequestID(), Style(errresp.Problem())), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), srv
}

// slowAnswer is what a trickling client saw.
type slowAnswer struct {
	resp    *http.Response
	body    []byte
	elapsed time.Duration // from the first byte sent to the response's header
	closed  bool          // the server closed the connection after the response
	sent    int           // body bytes sent before the response came
}

// trickle sends head (a request line and headers, without the blank line)
// then body one byte every every, while reading the response; it returns
// when the response has been read and the connection's fate is known.
func trickle(t *testing.T, addr, head string, body []byte, every time.Duration) slowAnswer {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, head+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	sent := make(chan int, 1)
	go func() {
		n := 0
		defer func() { sent <- n }()
		for _, b := range body {
			select {
			case <-stop:
				return
			case <-time.After(every):
			}
			if _, err := conn.Write([]byte{b}); err != nil {
				return
			}
			n++
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		close(stop)
		t.Fatalf("reading the response: %v", err)
	}
	a := slowAnswer{resp: resp, elapsed: time.Since(start)}
	a.body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the response body: %v", err)
	}
	close(stop)
	a.sent = <-sent
	// A closed connection reads EOF (or a reset) at once; an open one
	// would wait for the deadline.
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = br.ReadByte()
	var ne net.Error
	a.closed = err != nil && !(errors.As(err, &ne) && ne.Timeout())
	return a
}

func postHead(path string, length int, extra ...string) string {
	h := "POST " + path + " HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json"
	if length >= 0 {
		h += fmt.Sprintf("\r\nContent-Length: %d", length)
	} else {
		h += "\r\nTransfer-Encoding: chunked"
	}
	for _, e := range extra {
		h += "\r\n" + e
	}
	return h
}

// readAll is a handler that reads the whole body, as a JSON decoder does.
var readAll = Handler(func(w http.ResponseWriter, r *http.Request) error {
	if _, err := io.ReadAll(r.Body); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
})

func checkSlow(t *testing.T, a slowAnswer, status int, kind errresp.Kind, within time.Duration) {
	t.Helper()
	if a.resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", a.resp.StatusCode, status, a.body)
	}
	if e := errresp.DecodeBody(a.resp.StatusCode, a.resp.Header.Get("Content-Type"), a.body); e.Kind != kind {
		t.Errorf("kind %v, want %v; body %s", e.Kind, kind, a.body)
	}
	if a.elapsed > within {
		t.Errorf("the answer took %v (after %d body bytes), want it within %v", a.elapsed, a.sent, within)
	}
	if !a.resp.Close { // ReadResponse takes "Connection: close" out of the header
		t.Errorf("the response does not say Connection: close")
	}
	if !a.closed {
		t.Errorf("the server kept the connection open, waiting for the rest of the body")
	}
}

// refuseUnread answers with an envelope of kind k without reading the body,
// as package auth's Authenticator refuses a request (its tests check that it
// reads none of the body).
func refuseUnread(k errresp.Kind) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = errresp.Write(w, r, &errresp.Error{Kind: k})
	})
}

// A 1,000-byte body sent one byte every 50 ms would take 50 s; the answers
// that need no body come at once, and the connection is closed after them.
func TestSlowBodyAnsweredAtOnce(t *testing.T) {
	t.Parallel()
	body := []byte(strings.Repeat("a", 1000))
	cases := []struct {
		name   string
		h      http.Handler
		head   string
		status int
		kind   errresp.Kind
	}{
		{"401 without a credential", refuseUnread(errresp.NotAuthenticated), postHead("/", len(body)), 401, errresp.NotAuthenticated},
		{"401 with a wrong key", refuseUnread(errresp.CredentialInvalid), postHead("/", len(body), "X-API-Key: wrong-key-0123456789"), 401, errresp.CredentialInvalid},
		{"413 on Content-Length", LimitBody(100)(readAll), postHead("/", len(body)), 413, errresp.PayloadTooLarge},
		{"403 cross-origin", CrossOrigin()(readAll), postHead("/", len(body), "Cookie: session=x", "Sec-Fetch-Site: cross-site"), 403, errresp.PermissionDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, _ := slowServe(t, tc.h)
			checkSlow(t, trickle(t, addr, tc.head, body, 50*time.Millisecond), tc.status, tc.kind, 5*time.Second)
		})
	}
}

// A chunked body over LimitBody's limit is answered 413 when it passes the
// limit, and the rest is not waited for.
func TestSlowBodyOverLimitChunked(t *testing.T) {
	t.Parallel()
	addr, _ := slowServe(t, LimitBody(100)(readAll))
	chunk := "c8\r\n" + strings.Repeat("a", 200) + "\r\n" // 200 bytes at once, then a trickle
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	_, _ = io.WriteString(conn, postHead("/", -1)+"\r\n\r\n"+chunk+"3e8\r\n")
	go func() { // a second chunk of 1,000 bytes, one every 50 ms
		for range 1000 {
			time.Sleep(50 * time.Millisecond)
			if _, err := conn.Write([]byte("a")); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	a := slowAnswer{resp: resp, body: b, elapsed: time.Since(start)}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = br.ReadByte()
	var ne net.Error
	a.closed = err != nil && !(errors.As(err, &ne) && ne.Timeout())
	checkSlow(t, a, 413, errresp.PayloadTooLarge, 5*time.Second)
}

// Below Timeout, a handler reading a slow body gets the route's 504 at the
// deadline, and the connection is closed after it.
func TestSlowBodyTimeout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []TimeoutOption
		status int
		kind   errresp.Kind
	}{
		{"504", nil, 504, errresp.Timeout},
		{"503", []TimeoutOption{TimeoutError(errresp.New(errresp.Unavailable, "busy"))}, 503, errresp.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const d = 300 * time.Millisecond
			addr, _ := slowServe(t, Timeout(d, tc.opts...)(readAll))
			a := trickle(t, addr, postHead("/", 1000), []byte(strings.Repeat("a", 1000)), 50*time.Millisecond)
			checkSlow(t, a, tc.status, tc.kind, 5*time.Second)
			if a.elapsed < d {
				t.Errorf("answered after %v, before the %v deadline", a.elapsed, d)
			}
		})
	}
}

// An error answer to a request whose body was read to its end keeps the
// connection: only unread bodies close it.
func TestErrorAfterBodyReadKeepsConnection(t *testing.T) {
	t.Parallel()
	h := Handler(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := io.ReadAll(r.Body); err != nil {
			return err
		}
		return errresp.New(errresp.InvalidRequest, "no")
	})
	for _, head := range []string{postHead("/", 4), postHead("/", -1)} {
		addr, _ := slowServe(t, h)
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		body := "abcd"
		if strings.Contains(head, "chunked") {
			body = "4\r\nabcd\r\n0\r\n\r\n"
		}
		_, _ = io.WriteString(conn, head+"\r\n\r\n"+body)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || resp.Close {
			t.Errorf("%q: status %d, close %v; want 400 on a kept connection", head, resp.StatusCode, resp.Close)
		}
		// The same connection serves another request.
		_, _ = io.WriteString(conn, head+"\r\n\r\n"+body)
		if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 400 {
			t.Errorf("%q: second request on the connection: %v", head, err)
		}
		conn.Close()
	}
}

// A server shutting down with slow clients connected, mid-body, stops
// waiting at its grace period; Close then cuts them.
func TestSlowBodyShutdown(t *testing.T) {
	t.Parallel()
	addr, srv := slowServe(t, readAll)
	var conns []net.Conn
	for range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = io.WriteString(c, postHead("/", 1000)+"\r\n\r\na")
		conns = append(conns, c)
	}
	time.Sleep(100 * time.Millisecond) // let the server reach the handlers
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want the grace period to run out", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		if err == nil || errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("client %d: the connection was not cut (%v)", i, err)
		}
	}
}

// BenchmarkSlowConnections measures what a client sending its body slowly
// costs the server while it is held: b.N connections each send a request's
// head and one byte of a 1,000-byte body. "held" reaches a handler reading
// the body (the server keeps the connection until its read timeout);
// "refused" is answered 401 before the body, and the connection closed.
// It reports the heap and stack in use per connection (client sockets
// included, which hold no goroutine) and the goroutines per connection.
// Run it with a fixed count, such as -benchtime 1000x.
func BenchmarkSlowConnections(b *testing.B) {
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"held", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) })},
		{"refused", refuseUnread(errresp.NotAuthenticated)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := &http.Server{Handler: mwChain(bc.h, RequestID(), Style(errresp.Problem()))}
			go func() { _ = srv.Serve(ln) }()
			defer srv.Close()
			before, g0 := slowMem()
			conns := make([]net.Conn, 0, b.N)
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			head := postHead("/", 1000) + "\r\n\r\n{"
			b.ResetTimer()
			for range b.N {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				conns = append(conns, c)
				if _, err := io.WriteString(c, head); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			time.Sleep(500 * time.Millisecond) // let the server reach every handler (or close)
			after, g1 := slowMem()
			b.ReportMetric(float64(after-before)/float64(b.N), "B/conn")
			b.ReportMetric(float64(g1-g0)/float64(b.N), "goroutines/conn")
		})
	}
}

// slowMem returns the heap and stack in use after a collection, and the
// number of goroutines.
func slowMem() (uint64, int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse, runtime.NumGoroutine()
}

// Over HTTP/2 an unread body resets only its own stream: the answer does
// not say Connection: close (which would end every stream of the
// connection), and the connection serves the next request.
func TestUnreadBodyHTTP2KeepsConnection(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(mwChain(refuseUnread(errresp.NotAuthenticated), RequestID(), Style(errresp.Problem())))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	conns := map[string]bool{}
	for range 2 {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(strings.Repeat("a", 1000)))
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { conns[i.Conn.LocalAddr().String()] = true }}
		resp, err := client.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 401 || resp.Close || resp.Header.Get("Connection") != "" {
			t.Errorf("HTTP/%d %d, close %v, Connection %q; want HTTP/2 401 on a kept connection",
				resp.ProtoMajor, resp.StatusCode, resp.Close, resp.Header.Get("Connection"))
		}
	}
	if len(conns) != 1 {
		t.Errorf("%d connections for two requests, want one", len(conns))
	}
}
