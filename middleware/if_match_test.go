package middleware

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

func TestIfMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		method   string
		ifMatch  []string // nil sends none
		current  string
		required bool
		status   int // 200 passes
	}{
		{"match", "PUT", []string{`"v7"`}, `"v7"`, false, 200},
		{"bare current", "PUT", []string{`"v7"`}, `v7`, false, 200},
		{"match in list", "PUT", []string{`"v1", "v7" ,"v9"`}, `"v7"`, false, 200},
		{"match across header lines", "PUT", []string{`"v1"`, `"v7"`}, `"v7"`, false, 200},
		{"empty list elements", "PUT", []string{`,"v7",,`}, `"v7"`, false, 200},
		{"mismatch", "PUT", []string{`"v6"`}, `"v7"`, false, 412},
		{"weak request tag never matches", "PUT", []string{`W/"v7"`}, `"v7"`, false, 412},
		{"weak current never matches", "PUT", []string{`"v7"`}, `W/"v7"`, false, 412},
		{"case sensitive", "PUT", []string{`"V7"`}, `"v7"`, false, 412},
		{"star with resource", "DELETE", []string{`*`}, `"v7"`, false, 200},
		{"star with weak resource", "DELETE", []string{`*`}, `W/"v7"`, false, 200},
		{"star without resource", "PUT", []string{`*`}, ``, false, 412},
		{"tag without resource", "PUT", []string{`"v7"`}, ``, false, 412},
		{"absent, optional", "PUT", nil, `"v7"`, false, 200},
		{"absent, required", "PUT", nil, `"v7"`, true, 428},
		{"absent, required, safe method", "GET", nil, `"v7"`, true, 200},
		{"unquoted", "PUT", []string{`v7`}, `"v7"`, false, 400},
		{"unterminated", "PUT", []string{`"v7`}, `"v7"`, false, 400},
		{"star and tag", "PUT", []string{`*, "v7"`}, `"v7"`, false, 400},
		{"junk after tag", "PUT", []string{`"v7"x`}, `"v7"`, false, 400},
		{"space in tag", "PUT", []string{`"v 7"`}, `"v 7"`, false, 400},
		{"control byte", "PUT", []string{"\"v\x017\""}, `"v7"`, false, 400},
		{"only commas", "PUT", []string{`, ,`}, `"v7"`, false, 400},
		{"empty tag matches empty", "PUT", []string{`""`}, `""`, false, 200},
		{"obs-text", "PUT", []string{"\"\xe9t\xe9\""}, "\"\xe9t\xe9\"", false, 200},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				var opts []IfMatchOption
				if tc.required {
					opts = append(opts, IfMatchRequired())
				}
				calls := 0
				current := func(r *http.Request) (string, error) {
					calls++
					return tc.current, nil
				}
				h := mwChain(mwOkHandler, Style(s), IfMatch(current, opts...))
				r := mwRequest(tc.method, "/items/1", "")
				for _, v := range tc.ifMatch {
					r.Header.Add("If-Match", v)
				}
				rec := mwServe(h, r)
				if tc.ifMatch == nil && calls != 0 {
					t.Fatalf("current called without If-Match")
				}
				if tc.status == 200 {
					if rec.Code != 200 {
						t.Fatalf("rejected: %d %s", rec.Code, rec.Body)
					}
					return
				}
				kind := map[int]errresp.Kind{400: errresp.InvalidRequest, 412: errresp.PreconditionFailed, 428: errresp.PreconditionRequired}[tc.status]
				if e := mwEnvelope(t, rec, s, s.Code(kind).Status); e.Kind != kind {
					t.Fatalf("kind %v, want %v", e.Kind, kind)
				}
			})
		}
	}
}

func TestIfMatchCurrentError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		status int
		logged bool
	}{
		{"not found", errresp.New(errresp.NotFound, "no such item"), 404, false},
		{"store down", errors.New("db down: " + mwSecret), 500, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := mwNewID(t)
			h := mwChain(mwOkHandler, RequestID(), IfMatch(func(r *http.Request) (string, error) { return "", tc.err }))
			r := mwRequest("PUT", "/", id)
			r.Header.Set("If-Match", `"a"`)
			rec := mwServe(h, r)
			mwEnvelope(t, rec, errresp.Default, tc.status)
			mwAssertNotContains(t, rec.Body.String(), mwSecret)
			if _, ok := mwHasLog(id, "request failed"); ok != tc.logged {
				t.Fatalf("logged = %v, want %v", ok, tc.logged)
			}
		})
	}
	mwAssertPanics(t, func() { IfMatch(nil) })
}

func FuzzIfMatch(f *testing.F) {
	for _, s := range []string{`"a"`, `W/"a", "b"`, `*`, `"a`, `,,`, "\"\x00\"", `W/`, `"a" "b"`} {
		f.Add(s, `"a"`)
	}
	f.Fuzz(func(t *testing.T, header, current string) {
		res := ifMatchEval([]string{header}, current)
		if res > ifMatchMalformed {
			t.Fatalf("result %d", res)
		}
		if res == ifMatchOK && current == "" {
			t.Fatalf("If-Match %q matched a missing resource", header)
		}
		if res == ifMatchOK && !strings.Contains(header, "*") && !strings.Contains(header, strings.TrimPrefix(current, "W/")) {
			t.Fatalf("If-Match %q matched %q without holding it", header, current)
		}
	})
}
