package ratelimit_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/apierror/apierror/ratelimit"
)

// TestDefaultName checks the name a limiter on a MemoryStore gets without
// WithName, as its store-failure log line shows it: the limits, then the
// package, file and line that built it, and "#n" for the n-th limiter built
// at one place.
func TestDefaultName(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	store := ratelimit.NewMemoryStore()
	_ = store.Close() // closed: every decision fails, and is logged with the name
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for range 2 {
		h := ratelimit.PerMinute(3, ratelimit.WithStore(store), ratelimit.WithLogger(log), ratelimit.WithStoreErrorPolicy(ratelimit.FailOpen))(ok)
		serve(h, request("192.0.2.1:1"))
	}
	named := ratelimit.PerMinute(3, ratelimit.WithStore(store), ratelimit.WithLogger(log), ratelimit.WithStoreErrorPolicy(ratelimit.FailOpen), ratelimit.WithName("search"))(ok)
	serve(named, request("192.0.2.1:1"))
	re := regexp.MustCompile(`limiter=(\S+)`)
	var got []string
	for _, m := range re.FindAllStringSubmatch(buf.String(), -1) {
		got = append(got, m[1])
	}
	want := regexp.MustCompile(`^3-per-1m0s@ratelimit_test/name_test\.go:\d+$`)
	if len(got) != 3 || !want.MatchString(got[0]) || got[1] != got[0]+"#2" || got[2] != "search" {
		t.Fatalf("names %q; want the call site, the same with #2, and search", got)
	}
}

// A limiter on a store shared between processes must be named.
func TestSharedStoreNeedsName(t *testing.T) {
	t.Parallel()
	defer func() {
		if s, _ := recover().(string); !strings.Contains(s, "needs WithName") {
			t.Fatalf("recovered %q, want a panic asking for WithName", s)
		}
	}()
	ratelimit.PerMinute(3, ratelimit.WithStore(&failingStore{}))
	t.Fatal("New did not panic")
}
