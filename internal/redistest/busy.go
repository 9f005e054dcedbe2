package redistest

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// WaitBusy returns once the server at addr is busy (in a long script, say):
// a PING on a connection of its own gets no answer within 30ms. Tests that
// start a busy spell on another goroutine call it instead of sleeping a
// guessed time, which a loaded machine may overrun before the spell starts.
func WaitBusy(tb testing.TB, addr string) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for answers(addr) {
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: %s never got busy", addr)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// answers reports whether the server at addr answers a PING within 30ms.
func answers(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, startTimeout)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Millisecond))
	if _, err := io.WriteString(conn, "*1\r\n$4\r\nPING\r\n"); err != nil {
		return false
	}
	_, err = bufio.NewReader(conn).ReadString('\n')
	return err == nil
}
