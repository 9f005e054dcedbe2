package middleware

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
)

// mwIdEcho records the request id the handler sees and fails with NotFound,
// so the envelope's id can be checked too.
func mwIdEcho(seen *string) http.Handler {
	return Handler(func(w http.ResponseWriter, r *http.Request) error {
		*seen = errresp.RequestID(r.Context())
		return errresp.New(errresp.NotFound, "nothing here")
	})
}

func TestRequestIDIncoming(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		values []string // X-Request-ID values sent; nil sends none
		keep   bool
	}{
		{"none", nil, false},
		{"uuid", []string{"3f1c2a9e-8b7d-4c1e-9f00-1234567890ab"}, true},
		{"ulid", []string{"01ARZ3NDEKTSV4RRFFQ69G5FAV"}, true},
		{"traceparent", []string{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, true},
		{"chi style", []string{"host/AbCdEfGh12-000001"}, true},
		{"base64", []string{"q83vEjRWeJA+/w=="}, true},
		{"crlf", []string{"abc\r\nX-Injected: 1"}, false},
		{"lf log forging", []string{"abc\nlevel=ERROR msg=forged"}, false},
		{"10 KB", []string{strings.Repeat("a", 10<<10)}, false},
		{"65 bytes", []string{strings.Repeat("a", 65)}, false},
		{"64 bytes", []string{strings.Repeat("a", 64)}, true},
		{"invalid utf-8", []string{"abc\xff"}, false},
		{"non-ascii", []string{"idé"}, false},
		{"script", []string{"<script>alert(1)</script>"}, false},
		{"quote", []string{`a"b`}, false},
		{"backslash", []string{`a\b`}, false},
		{"space", []string{"a b"}, false},
		{"nul", []string{"a\x00b"}, false},
		{"empty", []string{""}, false},
		{"two values", []string{"a1", "b2"}, false},
	}
	for _, st := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(st.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				r := mwRequest("GET", "/x", "")
				for _, v := range tc.values {
					r.Header.Add(errresp.HeaderRequestID, v)
				}
				var seen string
				rec := mwServe(RequestID()(Style(st)(mwIdEcho(&seen))), r)
				got := mwRespID(t, rec)
				if got != seen {
					t.Fatalf("response header id %q, handler saw %q", got, seen)
				}
				e := mwEnvelope(t, rec, st, st.Code(errresp.NotFound).Status)
				if e.RequestID != seen {
					t.Fatalf("envelope id %q, want %q", e.RequestID, seen)
				}
				if tc.keep {
					if seen != tc.values[0] {
						t.Fatalf("id %q replaced by %q", tc.values[0], seen)
					}
					return
				}
				if !mwIsGeneratedID(seen) {
					t.Fatalf("unsafe id not replaced by a generated one: %q", seen)
				}
			})
		}
	}
}

// mwIsGeneratedID reports whether id has NewRequestID's form.
func mwIsGeneratedID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !strings.ContainsRune(requestIDAlphabet, rune(id[i])) {
			return false
		}
	}
	return true
}

func TestRequestIDOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    []RequestIDOption
		chiID   string // set by chi's RequestID before ours
		header  string // header the id is sent in
		sent    string
		want    string // "" means a generated id
		respHdr string
	}{
		{"custom header", []RequestIDOption{RequestIDHeader("x-correlation-id")}, "", "X-Correlation-Id", "corr-1", "corr-1", "X-Correlation-Id"},
		{"custom header ignores default", []RequestIDOption{RequestIDHeader("X-Correlation-ID")}, "", "X-Request-ID", "req-1", "", "X-Correlation-Id"},
		{"max length keeps", []RequestIDOption{RequestIDMaxLength(4)}, "", "X-Request-ID", "abcd", "abcd", "X-Request-Id"},
		{"max length replaces", []RequestIDOption{RequestIDMaxLength(4)}, "", "X-Request-ID", "abcde", "", "X-Request-Id"},
		{"ignore incoming", []RequestIDOption{RequestIDIgnoreIncoming()}, "", "X-Request-ID", "abcd", "", "X-Request-Id"},
		{"ignore incoming and chi", []RequestIDOption{RequestIDIgnoreIncoming()}, "chi-1", "", "", "", "X-Request-Id"},
		{"generator", []RequestIDOption{RequestIDGenerator(func() string { return "gen-1" })}, "", "", "", "gen-1", "X-Request-Id"},
		{"unsafe generator replaced", []RequestIDOption{RequestIDGenerator(func() string { return "bad id\n" })}, "", "", "", "", "X-Request-Id"},
		{"chi id reused", nil, "chi-host/abc-000001", "X-Request-ID", "other", "chi-host/abc-000001", "X-Request-Id"},
		{"unsafe chi id replaced", nil, "chi <b>", "", "", "", "X-Request-Id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mwRequest("GET", "/", "")
			if tc.header != "" {
				r.Header.Set(tc.header, tc.sent)
			}
			if tc.chiID != "" {
				r = r.WithContext(context.WithValue(r.Context(), chimw.RequestIDKey, tc.chiID))
			}
			var seen string
			rec := mwServe(RequestID(tc.opts...)(mwIdEcho(&seen)), r)
			if tc.want != "" && seen != tc.want || tc.want == "" && !mwIsGeneratedID(seen) {
				t.Fatalf("id = %q, want %q (\"\" = generated)", seen, tc.want)
			}
			if got := rec.Header().Get(tc.respHdr); tc.respHdr != "X-Request-Id" && got != seen {
				t.Fatalf("%s = %q, want %q", tc.respHdr, got, seen)
			}
			if got := mwRespID(t, rec); got != seen {
				t.Fatalf("envelope X-Request-ID = %q, want %q", got, seen)
			}
		})
	}
}

func TestRequestIDAfterChi(t *testing.T) {
	t.Parallel()
	var seen string
	h := chimw.RequestID(RequestID()(mwIdEcho(&seen)))
	rec := mwServe(h, mwRequest("GET", "/", ""))
	if got := mwRespID(t, rec); !strings.Contains(seen, "/") || got != seen {
		t.Fatalf("chi's generated id not reused: %q, header %q", seen, got)
	}
}

// chi's GetReqID (and so its Logger) sees the library's id without an option.
func TestRequestIDSharedWithChi(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, sent, chiID string
	}{
		{"incoming", "abc-1", ""},
		{"generated", "", ""},
		{"unsafe chi id replaced", "", "bad id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ours, chis string
			h := RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ours, chis = errresp.RequestID(r.Context()), chimw.GetReqID(r.Context())
			}))
			r := mwRequest("GET", "/", tc.sent)
			if tc.chiID != "" {
				r = r.WithContext(context.WithValue(r.Context(), chimw.RequestIDKey, tc.chiID))
			}
			mwServe(h, r)
			if ours == "" || chis != ours || tc.sent != "" && ours != tc.sent {
				t.Fatalf("library id %q, chi id %q, sent %q", ours, chis, tc.sent)
			}
		})
	}
}

func TestRequestIDTwice(t *testing.T) {
	t.Parallel()
	var outer, inner string
	between := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			outer = errresp.RequestID(r.Context())
			next.ServeHTTP(w, r)
		})
	}
	h := mwChain(mwIdEcho(&inner), RequestID(), between, RequestID(RequestIDIgnoreIncoming()))
	rec := mwServe(h, mwRequest("GET", "/", ""))
	if got := mwRespID(t, rec); outer == "" || inner != outer || got != outer {
		t.Fatalf("inner RequestID replaced the id: outer %q, inner %q, header %q", outer, inner, got)
	}
}

func TestRequestIDConfigPanics(t *testing.T) {
	t.Parallel()
	cases := map[string]func(){
		"empty header":      func() { RequestIDHeader("") },
		"header with CRLF":  func() { RequestIDHeader("X-A\r\nB") },
		"header with colon": func() { RequestIDHeader("X-A:") },
		"zero max":          func() { RequestIDMaxLength(0) },
		"nil generator":     func() { RequestIDGenerator(nil) },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mwAssertPanics(t, fn)
		})
	}
}

// mwAssertPanics fails unless fn panics with the package's prefix.
func mwAssertPanics(t *testing.T, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		s, _ := v.(string)
		if !strings.HasPrefix(s, "apierror/middleware: ") {
			t.Fatalf("panic = %v, want an apierror/middleware: message", v)
		}
	}()
	fn()
}

func TestNewRequestIDUnique(t *testing.T) {
	t.Parallel()
	const workers, each = 8, 2000
	var mu sync.Mutex
	seen := make(map[string]bool, workers*each)
	var wg sync.WaitGroup
	var bad error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]string, 0, each)
			for range each {
				local = append(local, NewRequestID())
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range local {
				if !mwIsGeneratedID(id) {
					bad = errors.New("malformed id " + id)
				}
				if seen[id] {
					bad = errors.New("duplicate id " + id)
				}
				seen[id] = true
			}
		}()
	}
	wg.Wait()
	if bad != nil {
		t.Fatal(bad)
	}
}

// FuzzRequestID checks that whatever arrives in X-Request-ID, the id the
// request ends up with is safe to echo and an incoming safe id is kept.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "a\r\nb", "<script>", "\xff", strings.Repeat("z", 100), "01ARZ3NDEKTSV4RRFFQ69G5FAV"} {
		f.Add(s)
	}
	h := RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	f.Fuzz(func(t *testing.T, in string) {
		r := mwRequest("GET", "/", "")
		r.Header["X-Request-Id"] = []string{in}
		rec := mwServe(h, r)
		got := mwRespID(t, rec)
		if !requestIDSafe(got, 64) {
			t.Fatalf("unsafe id %q from %q", got, in)
		}
		if requestIDSafe(in, 64) != (got == in) {
			t.Fatalf("input %q gave %q", in, got)
		}
	})
}
