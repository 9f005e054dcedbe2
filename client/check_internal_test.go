package client

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// entries counts the responses Check can still find.
func entries() int {
	n := 0
	returned.Range(func(_, _ any) bool { n++; return true })
	return n
}

// The record of a returned error response goes with the response: it does
// not keep it alive.
func TestRememberedGoWithResponse(t *testing.T) { // not parallel: it counts a package-wide map
	base := entries()
	for range 100 {
		resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("down"))}
		remember(resp, readError(resp, nil, 1, time.Now()))
	}
	if entries() < base+100 {
		t.Fatalf("%d entries, want %d more than %d", entries(), 100, base)
	}
	for i := 0; i < 1000 && entries() > base; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if n := entries(); n > base {
		t.Errorf("%d entries left after the responses were collected, want %d", n, base)
	}
}
