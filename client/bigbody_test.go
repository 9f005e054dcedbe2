package client_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
)

// bigBody is the body of the 500 the tests below send: 50 MB of text.
const bigBody = 50_000_000

// filler reads n bytes of text without allocating them.
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

// bigError answers every request with a 500 whose body is bigBody bytes,
// of known length or not (chunked), from memory, so that what is measured
// is the client's reading of it.
type bigError struct{ known bool }

func (b bigError) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body: &filler{n: bigBody}, ContentLength: -1, Request: r, ProtoMajor: 1, ProtoMinor: 1}
	if b.known {
		resp.ContentLength = bigBody
	}
	return resp, nil
}

// bigClient sends each request 4 times (3 retries) to a bigError, without
// waiting.
func bigClient(known bool) *http.Client {
	clock := clienttest.NewClock(time.Now())
	return client.New(client.WithTransport(bigError{known}), client.WithClock(clock.Now), client.WithSleep(clock.Sleep),
		client.WithLogger(slog.New(slog.DiscardHandler)))
}

// getBig sends one request, checks its failure and closes its body.
func getBig(tb testing.TB, c *http.Client) {
	req, _ := http.NewRequest("GET", "http://api.test/v1/report", nil)
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	var re *client.ResponseError
	if err := client.Check(resp); !errors.As(err, &re) || re.Attempts != 4 || re.Err.Kind != errresp.Internal ||
		len(re.Body) != errresp.MaxDecodeBody {
		tb.Fatalf("Check: %v", err)
	}
	_ = resp.Body.Close()
}

// A 50 MB error body, four attempts: each is read once, and the bytes
// allocated for a request are about the 1 MiB kept to decode it, whose
// array every attempt reuses, not four times that, nor the body.
func TestBigErrorBodyAllocation(t *testing.T) { // not parallel: it reads the process's allocation count
	for _, known := range []bool{true, false} {
		c := bigClient(known)
		getBig(t, c) // warm up: the connection-less transport, the pools
		var before, after runtime.MemStats
		const runs = 5
		runtime.ReadMemStats(&before)
		for range runs {
			getBig(t, c)
		}
		runtime.ReadMemStats(&after)
		perRequest := (after.TotalAlloc - before.TotalAlloc) / runs
		allocs := testing.AllocsPerRun(runs, func() { getBig(t, c) })
		t.Logf("known length %v: %d bytes, %.0f allocations a request of 4 attempts (%d bytes an attempt)",
			known, perRequest, allocs, perRequest/4)
		// The kept array, and for a body of unknown length the smaller
		// arrays it grew through (4 KiB to 64 KiB, 124 KiB in all), plus
		// the requests, responses and decoding (about 8 KiB), with room for
		// the runtime's own allocations meanwhile.
		if limit := uint64(errresp.MaxDecodeBody + 320<<10); perRequest > limit {
			t.Errorf("known length %v: %d bytes allocated a request, want at most %d", known, perRequest, limit)
		}
	}
}

// BenchmarkBigErrorBody: a request whose four attempts each get a 50 MB
// 500; B/op is a request's, B/attempt a failed attempt's.
func BenchmarkBigErrorBody(b *testing.B) {
	for _, known := range []bool{true, false} {
		name := "length=known"
		if !known {
			name = "length=unknown"
		}
		b.Run(name, func(b *testing.B) {
			c := bigClient(known)
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				getBig(b, c)
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/4, "B/attempt")
		})
	}
}
