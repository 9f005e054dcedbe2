package main

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apierror/apierror/internal/race"
	"github.com/apierror/apierror/internal/redistest"
)

// Two instances sharing Redis, one API key, /v1/limited (3 a minute, inside
// the /v1 group's 100 a minute and behind the authenticator's guard): after
// the 3, a flood of refused requests costs Redis almost nothing, the
// limiters mounted apart and the guard included: at most 0.05 script calls
// a request.
func TestLimitedFloodRedis(t *testing.T) {
	t.Parallel()
	flood := race.Size(4000, 1000)
	rs := redistest.Start(t)
	instances := []*server{startServer(t, "-redis", rs.Addr()), startServer(t, "-redis", rs.Addr())}
	for i := range 3 {
		resp, body := instances[i%2].do(t, "GET", "/v1/limited", "", asAdmin...)
		instances[i%2].ok(t, resp, body, 200, nil)
	}
	before, _ := redistest.Scripts(t, rs.Addr())
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		bad  atomic.Int64
	)
	for g := range 16 {
		wg.Go(func() {
			for next.Add(1) <= int64(flood) {
				resp, body := instances[g%2].do(t, "GET", "/v1/limited", "", asAdmin...)
				if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Limit") != "3" {
					if bad.Add(1) == 1 {
						t.Errorf("a request of the flood: %d, X-RateLimit-Limit %q: %s", resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"), body)
					}
				}
			}
		})
	}
	wg.Wait()
	after, _ := redistest.Scripts(t, rs.Addr())
	n := after - before
	t.Logf("%d refused requests on two instances cost %d script calls (%.4f a request)", flood, n, float64(n)/float64(flood))
	if float64(n) > 0.05*float64(flood) {
		t.Errorf("the flood cost %d script calls, %.3f a request; want at most 0.05", n, float64(n)/float64(flood))
	}
}
