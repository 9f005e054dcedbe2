// Package load is the load generator of the end-to-end run: a fixed number
// of connections sending a cycle of requests to a server on loopback, for a
// bounded time and a bounded number of requests, measuring requests a second
// and latency percentiles. It refuses any address that is not loopback,
// before connecting and again when dialling.
package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// request is one -r.
type request struct {
	method, path string
	body         []byte
}

// Result is what one run measured. cmd/loadgen prints it as JSON with -json.
type Result struct {
	Requests int64            `json:"requests"`
	Seconds  float64          `json:"seconds"`
	RPS      float64          `json:"rps"`
	P50us    float64          `json:"p50_us"`
	P99us    float64          `json:"p99_us"`
	Statuses map[string]int64 `json:"statuses"`
	Errors   int64            `json:"errors"`
}

// checkLoopback refuses a base URL whose host is not a loopback address.
func checkLoopback(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("base %q: only http:// is supported", base)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("base %q: %q is not a loopback address", base, host)
	}
	return u, nil
}

// loopbackOnly is a net.Dialer Control func that refuses to connect to any
// address that is not loopback.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to dial %s: not loopback", address)
	}
	return nil
}

func parseRequests(specs []string) ([]request, error) {
	if len(specs) == 0 {
		specs = []string{"GET /healthz"}
	}
	out := make([]request, 0, len(specs))
	for _, s := range specs {
		method, rest, ok := strings.Cut(strings.TrimSpace(s), " ")
		if !ok || method == "" {
			return nil, fmt.Errorf("-r %q: want METHOD PATH [BODY]", s)
		}
		path, body, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("-r %q: the path must start with /", s)
		}
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		out = append(out, request{method: strings.ToUpper(method), path: path, body: b})
	}
	return out, nil
}

func parseHeaders(specs []string) (http.Header, error) {
	h := http.Header{}
	for _, s := range specs {
		k, v, ok := strings.Cut(s, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("-H %q: want Name: value", s)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, nil
}

// Run loads the server at base, a loopback http:// URL, from conc
// connections: the requests specs name (each "METHOD PATH [BODY]", cycled
// through in order; none means "GET /healthz"), each with the headers
// headerSpecs name ("Name: value"), for warm plus dur, or until maxN requests
// have been sent, whichever comes first. Only requests started after the
// warm-up count.
func Run(base string, specs, headerSpecs []string, conc int, dur, warm time.Duration, maxN int64) (*Result, error) {
	u, err := checkLoopback(base)
	if err != nil {
		return nil, err
	}
	reqs, err := parseRequests(specs)
	if err != nil {
		return nil, err
	}
	hdr, err := parseHeaders(headerSpecs)
	if err != nil {
		return nil, err
	}
	if conc < 1 || dur <= 0 || warm < 0 || maxN < 1 {
		return nil, errors.New("-c, -d and -n must be positive, -warmup not negative")
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: loopbackOnly}
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			MaxIdleConns:        conc,
			MaxIdleConnsPerHost: conc,
			MaxConnsPerHost:     conc,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()

	start := time.Now()
	measureFrom := start.Add(warm)
	end := measureFrom.Add(dur)
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()

	var sent atomic.Int64
	type workerResult struct {
		lat      []time.Duration
		statuses map[int]int64
		errors   int64
		first    time.Time
	}
	results := make([]workerResult, conc)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Go(func() {
			wr := &results[w]
			wr.statuses = map[int]int64{}
			wr.lat = make([]time.Duration, 0, 1<<14)
			for i := w; ctx.Err() == nil && sent.Add(1) <= maxN; i++ {
				rq := reqs[i%len(reqs)]
				req, err := http.NewRequestWithContext(ctx, rq.method, u.String()+rq.path, bytes.NewReader(rq.body))
				if err != nil {
					wr.errors++
					continue
				}
				maps.Copy(req.Header, hdr)
				if rq.body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
				t1 := time.Now()
				if ctx.Err() != nil {
					break // the deadline cut this request short; it does not count
				}
				if t0.Before(measureFrom) {
					continue // warm-up
				}
				if err != nil {
					wr.errors++
					continue
				}
				wr.lat = append(wr.lat, t1.Sub(t0))
				wr.statuses[resp.StatusCode]++
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(measureFrom)
	if elapsed > dur {
		elapsed = dur
	}

	res := &Result{Statuses: map[string]int64{}}
	var lat []time.Duration
	for _, wr := range results {
		lat = append(lat, wr.lat...)
		res.Errors += wr.errors
		for code, n := range wr.statuses {
			res.Statuses[strconv.Itoa(code)] += n
		}
	}
	if len(lat) == 0 {
		return nil, fmt.Errorf("no request completed (errors: %d)", res.Errors)
	}
	slices.Sort(lat)
	res.Requests = int64(len(lat))
	res.Seconds = elapsed.Seconds()
	res.RPS = float64(res.Requests) / res.Seconds
	res.P50us = percentile(lat, 0.50)
	res.P99us = percentile(lat, 0.99)
	return res, nil
}

// percentile returns the p-th percentile of sorted latencies, in
// microseconds (nearest rank).
func percentile(sorted []time.Duration, p float64) float64 {
	i := int(p*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Microsecond)
}
