package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Scripts returns how many scripts (EVAL and EVALSHA) the server at addr
// has run, and the time it spent running them, from INFO commandstats.
func Scripts(tb testing.TB, addr string) (calls int, spent time.Duration) {
	tb.Helper()
	info, err := commandStats(addr)
	if err != nil {
		tb.Fatalf("redistest: INFO commandstats of %s: %v", addr, err)
	}
	for line := range strings.Lines(info) {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (name != "cmdstat_eval" && name != "cmdstat_evalsha") {
			continue
		}
		for _, f := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(f, "=")
			n, err := strconv.ParseInt(v, 10, 64)
			switch {
			case k != "calls" && k != "usec":
			case err != nil:
				tb.Fatalf("redistest: INFO commandstats: %q: %v", line, err)
			case k == "calls":
				calls += int(n)
			default:
				spent += time.Duration(n) * time.Microsecond
			}
		}
	}
	return calls, spent
}

// commandStats sends INFO commandstats on a connection of its own and
// returns the reply's text.
func commandStats(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, startTimeout)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(startTimeout))
	if _, err := io.WriteString(conn, "*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"); err != nil {
		return "", err
	}
	r := bufio.NewReader(conn)
	head, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(head, "$")))
	if !strings.HasPrefix(head, "$") || err != nil || n < 0 {
		return "", fmt.Errorf("unexpected reply %q", head)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return "", err
	}
	return string(body), nil
}
