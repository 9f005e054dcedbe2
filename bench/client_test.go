package bench

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// cannedTransport answers every request with the same status, header and
// body, from memory, so that a benchmark measures the client around it and
// not a network.
type cannedTransport struct {
	status int
	header http.Header
	body   []byte
}

func (c *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: c.status, Header: c.header, Body: io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)), Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// The answers: a small JSON success, a Gcore 404 envelope, and a 404 whose
// text body is 50 MB (a proxy's or a handler's dump), which no client
// retries.
var (
	clientBigNotFound = &fillerTransport{status: 404, size: 50_000_000}
	clientOK          = &cannedTransport{200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","name":"web-1"}` + "\n")}
	clientNotFound    = &cannedTransport{404, http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_7f3a"}},
		[]byte(`{"exception_class":"NotFoundError","message":"No virtual machine has that id.","request_id":"req_7f3a"}`)}
)

// fillerTransport answers every request with the status and a text body of
// size bytes that it makes as it is read, so that only the client's reading
// allocates.
type fillerTransport struct {
	status int
	size   int64
}

func (f *fillerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: f.status, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body: &filler{n: f.size}, ContentLength: f.size, Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// filler reads n bytes of text.
type filler struct{ n int64 }

func (f *filler) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), f.n)]
	for i := range p {
		p[i] = 'x'
	}
	f.n -= int64(len(p))
	return len(p), nil
}

func (*filler) Close() error { return nil }

// clientImpl is one way to call an API and learn the kind of its failure:
// it returns the response's status and the kind (Unknown on success).
type clientImpl struct {
	name string
	new  func(rt http.RoundTripper) func(*http.Request) (int, errresp.Kind)
}

var clientImpls = []clientImpl{
	// Ours: the response, whatever its status, and client.Check for the
	// decoded failure, which the Transport read once.
	{"ours", func(rt http.RoundTripper) func(*http.Request) (int, errresp.Kind) {
		c := client.New(client.WithTransport(rt))
		return func(r *http.Request) (int, errresp.Kind) {
			resp, err := c.Do(r)
			if err != nil {
				panic(err)
			}
			var re *client.ResponseError
			if errors.As(client.Check(resp), &re) {
				_ = resp.Body.Close()
				return resp.StatusCode, re.Err.Kind
			}
			return readStatus(resp, nil)
		}
	}},
	// go-retryablehttp knows no styles: it returns the error response, which
	// the caller decodes.
	{"retryablehttp", func(rt http.RoundTripper) func(*http.Request) (int, errresp.Kind) {
		rc := retryablehttp.NewClient()
		rc.HTTPClient.Transport = rt
		rc.Logger = nil
		c := rc.StandardClient()
		return func(r *http.Request) (int, errresp.Kind) { return decodeStatus(c.Do(r)) }
	}},
	// net/http alone, retrying nothing, with errresp.Decode: the floor.
	{"net-http", func(rt http.RoundTripper) func(*http.Request) (int, errresp.Kind) {
		c := &http.Client{Transport: rt}
		return func(r *http.Request) (int, errresp.Kind) { return decodeStatus(c.Do(r)) }
	}},
}

// readStatus reads and closes a success.
func readStatus(resp *http.Response, err error) (int, errresp.Kind) {
	if err != nil {
		panic(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, errresp.Unknown
}

// decodeStatus is readStatus that decodes an error response.
func decodeStatus(resp *http.Response, err error) (int, errresp.Kind) {
	if err != nil {
		panic(err)
	}
	if resp.StatusCode < 400 {
		return readStatus(resp, nil)
	}
	e, err := errresp.Decode(resp)
	if err != nil {
		panic(err)
	}
	return resp.StatusCode, e.Kind
}

// BenchmarkClient sends a GET through each client to an in-memory
// transport: path=success reads a 200, path=error learns the kind of a
// Gcore 404, path=error-50MB the kind of a 404 with a 50 MB text body (not
// retried by any of them; closing the body drops the rest). The figures are
// the client's own cost on top of net/http's.
func BenchmarkClient(b *testing.B) {
	for _, path := range []struct {
		name   string
		rt     http.RoundTripper
		status int
		kind   errresp.Kind
	}{{"success", clientOK, 200, errresp.Unknown}, {"error", clientNotFound, 404, errresp.NotFound},
		{"error-50MB", clientBigNotFound, 404, errresp.NotFound}} {
		b.Run("path="+path.name, func(b *testing.B) {
			for _, im := range clientImpls {
				b.Run("impl="+im.name, func(b *testing.B) {
					do := im.new(path.rt)
					req, _ := http.NewRequest("GET", "http://api.test/v1/vms/3f2504e0-4f89-41d3-9a0c-0305e82c3301", nil)
					req.Header.Set("X-API-Key", "demo_admin_7f3a9c1e5b2d40688acd1")
					b.ReportAllocs()
					for b.Loop() {
						if status, kind := do(req); status != path.status || kind != path.kind {
							b.Fatalf("%d %s, want %d %s", status, kind, path.status, path.kind)
						}
					}
				})
			}
		})
	}
}

// TestClientImpls checks that every client the benchmark compares gets the
// same answers.
func TestClientImpls(t *testing.T) {
	t.Parallel()
	for _, im := range clientImpls {
		for rt, want := range map[http.RoundTripper]errresp.Kind{clientOK: errresp.Unknown, clientNotFound: errresp.NotFound,
			clientBigNotFound: errresp.NotFound} {
			req, _ := http.NewRequest("GET", "http://api.test/", nil)
			if status, kind := im.new(rt)(req); status != 404 && kind != errresp.Unknown || kind != want {
				t.Errorf("%s: %d %s, want %s", im.name, status, kind, want)
			}
		}
	}
}
