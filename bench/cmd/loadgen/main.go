// Command loadgen sends HTTP requests to a server on loopback from a fixed
// number of connections, for a bounded time and at most a bounded number of
// requests, and reports requests a second and latency percentiles.
//
//	loadgen -base http://127.0.0.1:8081 -c 32 -d 5s -n 2000000 \
//	    -r 'GET /v1/vms' -r 'POST /v1/vms {"name":"x"}' -H 'X-API-Key: k'
//
// Each -r is one request, "METHOD PATH [BODY]"; the workers cycle through
// them, so repeating one weights the mix. It refuses any address that is not
// loopback, before connecting and again when dialling.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/apierror/apierror/bench/internal/load"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	base := flag.String("base", "http://127.0.0.1:8081", "the server's base URL; loopback only")
	conc := flag.Int("c", 32, "concurrent connections")
	dur := flag.Duration("d", 5*time.Second, "how long to send requests (after the warm-up)")
	warm := flag.Duration("warmup", time.Second, "how long to send requests before measuring")
	maxN := flag.Int64("n", 2_000_000, "the most requests to send, warm-up included")
	asJSON := flag.Bool("json", false, "print the result as one JSON object")
	var reqs, headers listFlag
	flag.Var(&reqs, "r", `a request, "METHOD PATH [BODY]" (repeatable; default "GET /healthz")`)
	flag.Var(&headers, "H", `a header sent with every request, "Name: value" (repeatable)`)
	flag.Parse()

	res, err := load.Run(*base, reqs, headers, *conc, *dur, *warm, *maxN)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if *asJSON {
		_ = json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("%d requests in %.2fs: %.0f req/s, p50 %.0fµs, p99 %.0fµs, statuses %v, errors %d\n",
		res.Requests, res.Seconds, res.RPS, res.P50us, res.P99us, res.Statuses, res.Errors)
}
