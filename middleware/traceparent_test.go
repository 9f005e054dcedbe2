package middleware

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

const (
	tpTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	tpValid   = "00-" + tpTraceID + "-00f067aa0ba902b7-01"
)

func TestTraceparentTraceID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		values []string
		want   string
	}{
		{"valid", []string{tpValid}, tpTraceID},
		{"not sampled", []string{"00-" + tpTraceID + "-00f067aa0ba902b7-00"}, tpTraceID},
		{"future version, extra field", []string{"cc-" + tpTraceID + "-00f067aa0ba902b7-01-what-the-future-holds"}, tpTraceID},
		{"future version, exact", []string{"01-" + tpTraceID + "-00f067aa0ba902b7-09"}, tpTraceID},
		{"none", nil, ""},
		{"two values", []string{tpValid, tpValid}, ""},
		{"version ff", []string{"ff-" + tpTraceID + "-00f067aa0ba902b7-01"}, ""},
		{"version 00 too long", []string{tpValid + "-x"}, ""},
		{"future version, no hyphen after flags", []string{"01-" + tpTraceID + "-00f067aa0ba902b7-01x"}, ""},
		{"upper case", []string{"00-" + strings.ToUpper(tpTraceID) + "-00f067aa0ba902b7-01"}, ""},
		{"zero trace id", []string{"00-" + strings.Repeat("0", 32) + "-00f067aa0ba902b7-01"}, ""},
		{"zero parent id", []string{"00-" + tpTraceID + "-0000000000000000-01"}, ""},
		{"short", []string{tpValid[:54]}, ""},
		{"bad separator", []string{"00_" + tpTraceID + "-00f067aa0ba902b7-01"}, ""},
		{"bad flags", []string{"00-" + tpTraceID + "-00f067aa0ba902b7-0g"}, ""},
		{"crlf", []string{"00-" + tpTraceID[:31] + "\n-00f067aa0ba902b7-01"}, ""},
		{"10 KB", []string{strings.Repeat("0", 10<<10)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mwRequest("GET", "/", "")
			for _, v := range tc.values {
				r.Header.Add("traceparent", v)
			}
			if got := TraceparentTraceID(r); got != tc.want {
				t.Fatalf("TraceparentTraceID = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRequestIDTraceparent checks that the trace id reaches the handler, the
// X-Request-ID header and the envelope in every style, and that without a
// traceparent the incoming X-Request-ID (or a generated id) is used as
// before.
func TestRequestIDTraceparent(t *testing.T) {
	t.Parallel()
	for _, st := range errresp.Styles() {
		t.Run(st.Name, func(t *testing.T) {
			t.Parallel()
			h := RequestID(RequestIDTraceparent())(Style(st)(mwIdEcho(new(string))))

			r := mwRequest("GET", "/x", "client-id-1")
			r.Header.Set("traceparent", tpValid)
			rec := mwServe(h, r)
			if got := mwRespID(t, rec); got != tpTraceID {
				t.Fatalf("X-Request-ID = %q, want the trace id %q", got, tpTraceID)
			}
			if e := mwEnvelope(t, rec, st, st.Code(errresp.NotFound).Status); e.RequestID != tpTraceID {
				t.Fatalf("envelope id %q, want the trace id %q", e.RequestID, tpTraceID)
			}

			r = mwRequest("GET", "/x", "client-id-1")
			r.Header.Set("traceparent", "00-"+strings.Repeat("0", 32)+"-00f067aa0ba902b7-01")
			if got := mwRespID(t, mwServe(h, r)); got != "client-id-1" {
				t.Fatalf("bad traceparent: id %q, want the incoming X-Request-ID", got)
			}
			if got := mwRespID(t, mwServe(h, mwRequest("GET", "/x", ""))); !mwIsGeneratedID(got) {
				t.Fatalf("no traceparent, no X-Request-ID: id %q, want a generated one", got)
			}
		})
	}
}

func TestRequestIDFromOrder(t *testing.T) {
	t.Parallel()
	unsafe := func(*http.Request) string { return "a\r\nb" }
	empty := func(*http.Request) string { return "" }
	second := func(*http.Request) string { return "from-second" }
	h := RequestID(RequestIDFrom(empty), RequestIDFrom(unsafe), RequestIDFrom(second), RequestIDIgnoreIncoming())(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	if got := mwRespID(t, mwServe(h, mwRequest("GET", "/", "client-id"))); got != "from-second" {
		t.Fatalf("id %q, want the first safe source's answer", got)
	}
	mwAssertPanics(t, func() { RequestIDFrom(nil) })
}

func TestRecovererPanicError(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	for _, v := range []any{"a string", cause} {
		var got *errresp.Error
		h := mwChain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(v) }),
			RequestID(), OnError(func(_ *http.Request, e *errresp.Error, _ int) { got = e }), Recoverer())
		mwServe(h, mwRequest("GET", "/", mwNewID(t)))
		var pe *PanicError
		if got == nil || !errors.As(got, &pe) {
			t.Fatalf("panic %v: hook saw %v, want a *PanicError cause", v, got)
		}
		if pe.Value != v || !strings.Contains(string(pe.Stack), "traceparent_test.go") {
			t.Fatalf("PanicError = %v with stack %q", pe.Value, pe.Stack)
		}
		if err, isErr := v.(error); isErr && !errors.Is(got, err) {
			t.Fatalf("errors.Is does not reach the panicked error through %v", got)
		}
	}
}

// tpReference is the traceparent grammar as a regular expression, the
// oracle for FuzzTraceparent.
var tpReference = regexp.MustCompile(`^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?$`)

// FuzzTraceparent compares the parser with the grammar: whatever arrives,
// an id comes back only for a valid traceparent, and it is that header's
// trace id (so it is safe as a request id).
func FuzzTraceparent(f *testing.F) {
	for _, s := range []string{tpValid, "", "ff-" + tpTraceID + "-00f067aa0ba902b7-01", tpValid + "-x",
		"01-" + tpTraceID + "-00f067aa0ba902b7-01-x", "00-" + strings.Repeat("0", 32) + "-00f067aa0ba902b7-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := parseTraceparent(in)
		m := tpReference.FindStringSubmatch(in)
		want := m != nil && m[1] != "ff" && !(m[1] == "00" && m[4] != "") &&
			strings.Trim(m[2], "0") != "" && strings.Trim(m[3], "0") != ""
		if ok != want {
			t.Fatalf("parseTraceparent(%q) ok = %v, grammar says %v", in, ok, want)
		}
		if ok && (got != m[2] || !requestIDSafe(got, 64)) {
			t.Fatalf("parseTraceparent(%q) = %q, want %q", in, got, m[2])
		}
	})
}
