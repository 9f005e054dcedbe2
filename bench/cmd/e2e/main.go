// Command e2e is the end-to-end load run. It builds cmd/e2eserver and
// cmd/loadgen (and, with -example, the library's example service), then, for
// several rounds, starts each server on a free loopback port, loads it from a
// separate loadgen process, stops it, and prints requests a second and
// p50/p99 latency for each, with the ratio to bare chi.
//
//	go run ./cmd/e2e -rounds 5 -d 3s -c 32 [-example ../example]
//
// Two comparisons:
//
//   - full against bare: cmd/e2eserver's routes behind the library's whole
//     stack (request id, recovery, style, authentication, rate limit, strict
//     decoding, parameter validation, envelopes) and on bare chi, under a mix
//     of reads, creates and failures;
//   - example against bare (with -example): the example service against the
//     same routes on bare chi. The example limits every /v1 route to 100
//     requests a minute, so a load of it measures its open routes: /healthz
//     and an unknown route (a 404 envelope, which the example also logs).
//
// The servers and the load generator each run with GOMAXPROCS=1 by default
// (-procs), so on a two-core machine each has a core. Servers alternate order
// from round to round. Everything stays on 127.0.0.1; each load is bounded
// by -d and -n. Servers' output goes to a log file, shown when one fails.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apierror/apierror/bench/internal/load"
)

// fullMix is the request mix of the full-against-bare comparison: mostly
// reads that succeed, and one in five a failure (an invalid body, a malformed
// id, an unknown route).
var fullMix = []string{
	"GET /v1/vms/6f1c2b1e-8f0a-4a53-9d3c-2b7e4c1d9a10",
	"GET /v1/vms",
	"GET /v1/vms/6f1c2b1e-8f0a-4a53-9d3c-2b7e4c1d9a10",
	"POST /v1/vms " + `{"name":"web-02","size":4,"region":"eu-west","image_id":"0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b"}`,
	"GET /v1/vms/6f1c2b1e-8f0a-4a53-9d3c-2b7e4c1d9a10",
	"GET /v1/vms",
	"GET /v1/vms/6f1c2b1e-8f0a-4a53-9d3c-2b7e4c1d9a10",
	"POST /v1/vms " + `{"name":"w","size":400,"region":"eu-west","image_id":"0b7a4a2e-3c1d-4f5e-8a9b-1c2d3e4f5a6b"}`,
	"GET /v1/vms/not-a-uuid",
	"GET /v1/nothing-here",
}

// exampleMix is the mix the example can take without its rate limits
// answering: its open routes.
var exampleMix = []string{
	"GET /healthz", "GET /healthz", "GET /healthz", "GET /healthz", "GET /nothing-here",
}

// server is one server under load.
type server struct {
	name string
	bin  string
	args func(addr string) []string
}

// scenario compares servers (the first is the baseline) under one mix.
type scenario struct {
	title   string
	mix     []string
	servers []server
}

type config struct {
	rounds, conc, procs int
	dur, warm           time.Duration
	maxN                int64
	loadgen, logDir     string
}

func main() {
	var c config
	flag.IntVar(&c.rounds, "rounds", 5, "rounds; each loads every server once")
	flag.DurationVar(&c.dur, "d", 3*time.Second, "measured load per server and round")
	flag.DurationVar(&c.warm, "warmup", time.Second, "warm-up per server and round")
	flag.IntVar(&c.conc, "c", 32, "concurrent connections")
	flag.Int64Var(&c.maxN, "n", 2_000_000, "the most requests per server and round")
	flag.IntVar(&c.procs, "procs", 1, "GOMAXPROCS of each server and of the load generator")
	example := flag.String("example", "", "directory of the example service's package, to load it too")
	mdOut := flag.String("mdout", "", "also write the tables as Markdown to this file")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "apierror-e2e-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	c.logDir = tmp
	e2eserver, exampleBin := filepath.Join(tmp, "e2eserver"), filepath.Join(tmp, "example")
	c.loadgen = filepath.Join(tmp, "loadgen")
	build(e2eserver, "./cmd/e2eserver")
	build(c.loadgen, "./cmd/loadgen")

	stack := func(name string) server {
		return server{name, e2eserver, func(addr string) []string { return []string{"-addr", addr, "-stack", name} }}
	}
	scenarios := []scenario{{"full stack against bare chi", fullMix, []server{stack("bare"), stack("full")}}}
	if *example != "" {
		build(exampleBin, *example)
		scenarios = append(scenarios, scenario{"example service against bare chi (open routes)", exampleMix, []server{
			stack("bare"),
			{"example", exampleBin, func(addr string) []string { return []string{"-addr", addr} }},
		}})
	}

	var md bytes.Buffer
	for _, sc := range scenarios {
		got := sc.run(c)
		sc.print(os.Stdout, got, false, c)
		sc.print(&md, got, true, c)
		fmt.Println()
		fmt.Fprintln(&md)
	}
	if *mdOut != "" {
		if err := os.WriteFile(*mdOut, md.Bytes(), 0o644); err != nil {
			fatal(err)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "e2e:", err)
	os.Exit(1)
}

func build(bin, pkg string) {
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		fatal(fmt.Errorf("go build %s: %v\n%s", pkg, err, out))
	}
}

// run loads every server of the scenario once a round, alternating the order.
func (sc scenario) run(c config) map[string][]load.Result {
	got := map[string][]load.Result{}
	for round := range c.rounds {
		order := slices.Clone(sc.servers)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, s := range order {
			res, err := loadOnce(s, sc.mix, c)
			if err != nil {
				fatal(fmt.Errorf("%s, round %d, %s: %w", sc.title, round+1, s.name, err))
			}
			fmt.Fprintf(os.Stderr, "round %d %-7s %8.0f req/s  p50 %6.0fµs  p99 %6.0fµs  %v errors %d\n",
				round+1, s.name, res.RPS, res.P50us, res.P99us, res.Statuses, res.Errors)
			got[s.name] = append(got[s.name], *res)
		}
	}
	return got
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// loadOnce starts s, waits until it answers, loads it with mix and stops it.
func loadOnce(s server, mix []string, c config) (*load.Result, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	env := append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(c.procs))
	logPath := filepath.Join(c.logDir, s.name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	srv := exec.Command(s.bin, s.args(addr)...)
	srv.Env = env
	srv.Stdout, srv.Stderr = logFile, logFile
	if err := srv.Start(); err != nil {
		return nil, err
	}
	defer stop(srv)
	fail := func(err error) (*load.Result, error) {
		out, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%w\nserver output:\n%s", err, tail(out, 2000))
	}
	if err := waitReady("http://" + addr + "/healthz"); err != nil {
		return fail(err)
	}
	args := []string{"-base", "http://" + addr, "-c", strconv.Itoa(c.conc), "-d", c.dur.String(),
		"-warmup", c.warm.String(), "-n", strconv.FormatInt(c.maxN, 10), "-json", "-H", "X-API-Key: bench-key"}
	for _, r := range mix {
		args = append(args, "-r", r)
	}
	lg := exec.Command(c.loadgen, args...)
	lg.Env = env
	var out bytes.Buffer
	lg.Stdout, lg.Stderr = &out, os.Stderr
	if err := lg.Run(); err != nil {
		return fail(fmt.Errorf("loadgen: %w", err))
	}
	var res load.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// stop asks the server to shut down and kills it if it has not within ten
// seconds.
func stop(srv *exec.Cmd) {
	_ = srv.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = srv.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = srv.Process.Kill()
		<-done
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// waitReady polls url until it answers 200, for at most ten seconds.
func waitReady(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.New("server did not answer " + url + " within 10s")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// median returns the median of f over rs.
func median(rs []load.Result, f func(load.Result) float64) float64 {
	vs := make([]float64, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	return medianOf(vs)
}

func medianOf(vs []float64) float64 {
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// pairedRatio is the median over the rounds of a's figure over b's in the
// same round. Servers of one round run back to back, so a round's ratio is
// spared most of the drift of a shared machine between rounds.
func pairedRatio(a, b []load.Result, f func(load.Result) float64) float64 {
	ratios := make([]float64, min(len(a), len(b)))
	for i := range ratios {
		ratios[i] = f(a[i]) / f(b[i])
	}
	return medianOf(ratios)
}

// print writes the medians over the rounds for each server and the ratio of
// each to the first, as text or Markdown.
func (sc scenario) print(w io.Writer, got map[string][]load.Result, md bool, c config) {
	fields := []func(load.Result) float64{
		func(r load.Result) float64 { return r.RPS },
		func(r load.Result) float64 { return r.P50us },
		func(r load.Result) float64 { return r.P99us },
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cells ...string) {
		if md {
			fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
			return
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	fmt.Fprintf(w, "%s: median of %d rounds, %d connections, %s each, mix of %d requests\n",
		sc.title, c.rounds, c.conc, c.dur, len(sc.mix))
	if md {
		fmt.Fprintln(w)
	}
	row("server", "req/s", "p50 µs", "p99 µs", "statuses")
	if md {
		row("---", "---", "---", "---", "---")
	}
	base := sc.servers[0].name
	for _, s := range sc.servers {
		cells := []string{s.name}
		for _, f := range fields {
			cells = append(cells, fmt.Sprintf("%.0f", median(got[s.name], f)))
		}
		cells = append(cells, statuses(got[s.name]))
		row(cells...)
	}
	for _, s := range sc.servers[1:] {
		cells := []string{s.name + " / " + base}
		for _, f := range fields {
			cells = append(cells, fmt.Sprintf("%.2fx", pairedRatio(got[s.name], got[base], f)))
		}
		row(append(cells, "(median of the rounds' ratios)")...)
	}
	_ = tw.Flush()
}

// statuses sums the status counts of every round, as "200:n 404:m".
func statuses(rs []load.Result) string {
	sum := map[string]int64{}
	for _, r := range rs {
		for k, v := range r.Statuses {
			sum[k] += v
		}
	}
	keys := make([]string, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + strconv.FormatInt(sum[k], 10)
	}
	return strings.Join(parts, " ")
}
