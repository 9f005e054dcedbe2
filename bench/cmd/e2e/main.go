// Command e2e is the end-to-end load run: it builds cmd/e2eserver and
// cmd/loadgen, then, for several rounds, starts the server with each stack
// (bare chi, and the library's full stack) on a free loopback port, loads it
// from a separate loadgen process, stops it, and prints requests a second and
// p50/p99 latency for both, with the ratio full / bare.
//
//	go run ./cmd/e2e -rounds 3 -d 5s -c 32
//
// The server and the load generator each run with GOMAXPROCS=1 by default
// (-procs), so on a two-core machine each has a core and neither starves the
// other. Stacks alternate order from round to round. Everything stays on
// 127.0.0.1 and every run is bounded by -d and -n.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
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

// The request mix: mostly reads that succeed, and one in five a failure
// (an invalid body, a malformed id, an unknown route).
var mix = []string{
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

func main() {
	rounds := flag.Int("rounds", 3, "rounds; each loads every stack once")
	dur := flag.Duration("d", 5*time.Second, "measured load per stack and round")
	warm := flag.Duration("warmup", time.Second, "warm-up per stack and round")
	conc := flag.Int("c", 32, "concurrent connections")
	maxN := flag.Int64("n", 2_000_000, "the most requests per stack and round")
	procs := flag.Int("procs", 1, "GOMAXPROCS of the server and of the load generator")
	mdOut := flag.String("mdout", "", "also write the table as Markdown to this file")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "apierror-e2e-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	server, loadgen := filepath.Join(tmp, "e2eserver"), filepath.Join(tmp, "loadgen")
	for bin, pkg := range map[string]string{server: "./cmd/e2eserver", loadgen: "./cmd/loadgen"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			fatal(fmt.Errorf("go build %s: %v\n%s", pkg, err, out))
		}
	}

	stacks := []string{"bare", "full"}
	got := map[string][]load.Result{}
	for round := range *rounds {
		order := slices.Clone(stacks)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, stack := range order {
			res, err := loadOnce(server, loadgen, stack, *conc, *dur, *warm, *maxN, *procs)
			if err != nil {
				fatal(fmt.Errorf("round %d, %s: %w", round+1, stack, err))
			}
			fmt.Fprintf(os.Stderr, "round %d %-4s %8.0f req/s  p50 %6.0fµs  p99 %6.0fµs  %v errors %d\n",
				round+1, stack, res.RPS, res.P50us, res.P99us, res.Statuses, res.Errors)
			got[stack] = append(got[stack], res)
		}
	}
	printTable(os.Stdout, got, false, *conc, *dur, *rounds)
	if *mdOut != "" {
		f, err := os.Create(*mdOut)
		if err != nil {
			fatal(err)
		}
		printTable(f, got, true, *conc, *dur, *rounds)
		if err := f.Close(); err != nil {
			fatal(err)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "e2e:", err)
	os.Exit(1)
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

// loadOnce starts the server with stack, waits until it answers, loads it
// and stops it.
func loadOnce(server, loadgen, stack string, conc int, dur, warm time.Duration, maxN int64, procs int) (load.Result, error) {
	var res load.Result
	port, err := freePort()
	if err != nil {
		return res, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	env := append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(procs))
	srv := exec.Command(server, "-addr", "127.0.0.1:"+strconv.Itoa(port), "-stack", stack)
	srv.Env = env
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return res, err
	}
	defer func() {
		_ = srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = srv.Process.Kill()
			<-done
		}
	}()
	if err := waitReady(base + "/healthz"); err != nil {
		return res, err
	}
	args := []string{"-base", base, "-c", strconv.Itoa(conc), "-d", dur.String(), "-warmup", warm.String(),
		"-n", strconv.FormatInt(maxN, 10), "-json", "-H", "X-API-Key: bench-key"}
	for _, r := range mix {
		args = append(args, "-r", r)
	}
	lg := exec.Command(loadgen, args...)
	lg.Env = env
	var out bytes.Buffer
	lg.Stdout = &out
	lg.Stderr = os.Stderr
	if err := lg.Run(); err != nil {
		return res, fmt.Errorf("loadgen: %w", err)
	}
	err = json.Unmarshal(out.Bytes(), &res)
	return res, err
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

func median(rs []load.Result, f func(load.Result) float64) float64 {
	vs := make([]float64, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// printTable prints the medians over the rounds for each stack and the ratio
// full / bare.
func printTable(w *os.File, got map[string][]load.Result, md bool, conc int, dur time.Duration, rounds int) {
	fields := []struct {
		name string
		f    func(load.Result) float64
	}{
		{"req/s", func(r load.Result) float64 { return r.RPS }},
		{"p50 µs", func(r load.Result) float64 { return r.P50us }},
		{"p99 µs", func(r load.Result) float64 { return r.P99us }},
	}
	sep := "\t"
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cells ...string) {
		if md {
			fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
			return
		}
		fmt.Fprintln(tw, strings.Join(cells, sep))
	}
	fmt.Fprintf(w, "median of %d rounds, %d connections, %s each\n", rounds, conc, dur)
	if md {
		fmt.Fprintln(w)
	}
	row("stack", "req/s", "p50 µs", "p99 µs")
	if md {
		row("---", "---", "---", "---")
	}
	for _, stack := range []string{"bare", "full"} {
		cells := []string{stack}
		for _, f := range fields {
			cells = append(cells, fmt.Sprintf("%.0f", median(got[stack], f.f)))
		}
		row(cells...)
	}
	cells := []string{"full / bare"}
	for _, f := range fields {
		cells = append(cells, fmt.Sprintf("%.2fx", median(got["full"], f.f)/median(got["bare"], f.f)))
	}
	row(cells...)
	_ = tw.Flush()
}
