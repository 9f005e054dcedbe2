package validation

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/go-chi/chi/v5"
)

type vmParams struct {
	ID      string        `path:"id" validate:"required,uuid"`
	Limit   int           `query:"limit" validate:"omitempty,min=1,max=100"`
	State   string        `query:"state" validate:"omitempty,oneof=running stopped"`
	Verbose *bool         `query:"verbose"`
	Tags    []string      `query:"tag" validate:"max=3,dive,alphanum"`
	Wait    time.Duration `query:"wait"`
	Since   *time.Time    `query:"since"`
}

const vmID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"

// serve routes target through a chi router and through http.ServeMux, calling
// Params in each handler, and returns both results.
func serve(t *testing.T, target string) (chiErr, muxErr error, chiP, muxP vmParams) {
	t.Helper()
	rt := chi.NewRouter()
	rt.Get("/v1/vms/{id}", func(w http.ResponseWriter, r *http.Request) { chiErr = Params(r, &chiP) })
	rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/vms/{id}", func(w http.ResponseWriter, r *http.Request) { muxErr = Params(r, &muxP) })
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	return
}

func TestParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		fields []string // "field in rule"
		msg    string
	}{
		{name: "valid", target: "/v1/vms/" + vmID + "?limit=10&state=running&verbose=true&tag=a&tag=b&wait=2s&since=2024-01-02T15:04:05Z"},
		{name: "only the path", target: "/v1/vms/" + vmID},
		{name: "path not a uuid", target: "/v1/vms/42", fields: []string{"id path uuid"}, msg: "id must be a UUID"},
		{name: "query not an integer", target: "/v1/vms/" + vmID + "?limit=ten", fields: []string{"limit query type"}, msg: "limit must be an integer."},
		{name: "query out of range", target: "/v1/vms/" + vmID + "?limit=1000", fields: []string{"limit query max"}, msg: "limit must be at most 100."},
		{name: "query overflows", target: "/v1/vms/" + vmID + "?limit=99999999999999999999", fields: []string{"limit query type"}, msg: "from -9223372036854775808"},
		{name: "enumeration", target: "/v1/vms/" + vmID + "?state=paused", fields: []string{"state query oneof"}, msg: "state must be one of: running, stopped."},
		{name: "boolean", target: "/v1/vms/" + vmID + "?verbose=maybe", fields: []string{"verbose query type"}},
		{name: "duration", target: "/v1/vms/" + vmID + "?wait=soon", fields: []string{"wait query type"}},
		{name: "time", target: "/v1/vms/" + vmID + "?since=yesterday", fields: []string{"since query type"}},
		{name: "repeated values", target: "/v1/vms/" + vmID + "?tag=a&tag=b-c&tag=d&tag=e", fields: []string{"tag query max"}},
		{name: "repeated value rule", target: "/v1/vms/" + vmID + "?tag=a&tag=b-c", fields: []string{"tag[1] query alphanum"}},
		{name: "malformed escape in a value", target: "/v1/vms/" + vmID + "?limit=%zz", fields: []string{"limit query syntax"}, msg: "limit has a malformed percent-escape in its value."},
		{name: "malformed escape in a name", target: "/v1/vms/" + vmID + "?lim%g1=5", fields: []string{"lim%g1 query syntax"}, msg: "malformed percent-escape in its name"},
		{name: "malformed escape in another parameter", target: "/v1/vms/" + vmID + "?other=%2", fields: []string{"other query syntax"}},
		{name: "semicolon", target: "/v1/vms/" + vmID + "?limit=1;limit=2", fields: []string{"limit query syntax"}, msg: `limit contains a ";"`},
		{name: "semicolon in a name", target: "/v1/vms/" + vmID + "?state;x=1", fields: []string{"state query syntax"}},
		{name: "escaped semicolon is a value", target: "/v1/vms/" + vmID + "?state=a%3Bb", fields: []string{"state query oneof"}},
		{name: "second value", target: "/v1/vms/" + vmID + "?limit=1&limit=2", fields: []string{"limit query single"}, msg: "limit must be given once, not 2 times."},
		{name: "second value of a pointer", target: "/v1/vms/" + vmID + "?verbose=true&verbose=false", fields: []string{"verbose query single"}},
		{name: "second value of a text unmarshaler", target: "/v1/vms/" + vmID + "?since=2024-01-02T15:04:05Z&since=2024-01-02T15:04:05Z", fields: []string{"since query single"}},
		{name: "empty pairs are skipped", target: "/v1/vms/" + vmID + "?&&limit=5&&"},
		{name: "plus is a space", target: "/v1/vms/" + vmID + "?state=run+ning", fields: []string{"state query oneof"}},
		{name: "everything wrong", target: "/v1/vms/x?limit=ten&state=paused", fields: []string{"limit query type", "id path uuid", "state query oneof"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chiErr, muxErr, chiP, muxP := serve(t, tc.target)
			for router, err := range map[string]error{"chi": chiErr, "mux": muxErr} {
				if tc.fields == nil {
					if err != nil {
						t.Fatalf("%s: %v", router, err)
					}
					continue
				}
				e := asError(t, err)
				checkStyles(t, err, 400, tc.msg)
				var got []string
				for _, f := range e.Fields {
					got = append(got, f.Field+" "+f.In+" "+f.Rule)
					if f.Pointer != "" {
						t.Errorf("%s: parameter %s has pointer %q", router, f.Field, f.Pointer)
					}
				}
				if !slices.Equal(got, tc.fields) {
					t.Errorf("%s: fields %q, want %q", router, got, tc.fields)
				}
			}
			if tc.name == "valid" {
				for _, p := range []vmParams{chiP, muxP} {
					if p.ID != vmID || p.Limit != 10 || p.State != "running" || p.Verbose == nil || !*p.Verbose ||
						!slices.Equal(p.Tags, []string{"a", "b"}) || p.Wait != 2*time.Second || p.Since == nil || p.Since.Year() != 2024 {
						t.Errorf("params %+v", p)
					}
				}
			}
		})
	}
}

// TestParamsQueryFailsCapped: a long malformed query lists at most
// maxQueryFails failures.
func TestParamsQueryFailsCapped(t *testing.T) {
	t.Parallel()
	q := strings.Repeat("a=%zz&", 100)
	var p struct {
		A string `query:"a"`
	}
	e := asError(t, Default().Params(httptest.NewRequest(http.MethodGet, "/?"+q, nil), &p))
	if len(e.Fields) != maxQueryFails {
		t.Errorf("%d fields, want %d", len(e.Fields), maxQueryFails)
	}
}

// FuzzQuery: whatever the query, Params answers nil or a 400 listing
// fields, never panics; and a query net/url reads without error and without
// a ";" gives the same values.
func FuzzQuery(f *testing.F) {
	for _, q := range []string{"limit=10&state=running&tag=a&tag=b", "limit=%zz", "limit=1;limit=2", "limit=1&limit=2",
		"state=a%3Bb", "%", "=&=", "tag=%41%42&tag=+", "wait=1h&since=2024-01-02T15:04:05Z", "verbose=1&verbose"} {
		f.Add(q)
	}
	type fuzzParams struct {
		Limit string   `query:"limit"`
		Tags  []string `query:"tag"`
		Wait  *int     `query:"wait"`
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/", RawQuery: q}}
		var p fuzzParams
		err := Default().Params(r, &p)
		if err != nil {
			e := asError(t, err)
			if e.Kind != errresp.InvalidRequest || len(e.Fields) == 0 {
				t.Fatalf("Params(%q) = %v (%d fields)", q, err, len(e.Fields))
			}
		}
		want, uerr := url.ParseQuery(q)
		if uerr != nil || strings.Contains(q, ";") {
			if err == nil && uerr != nil {
				t.Fatalf("Params(%q) accepted what net/url refuses: %v", q, uerr)
			}
			return
		}
		if len(want["limit"]) > 1 || len(want["wait"]) > 1 {
			if err == nil {
				t.Fatalf("Params(%q) accepted a repeated single parameter", q)
			}
			return
		}
		if len(want["wait"]) == 1 {
			return // conversion may fail; the values are checked without it
		}
		if err != nil {
			t.Fatalf("Params(%q) = %v; net/url reads %v", q, err, want)
		}
		if l := want["limit"]; len(l) == 1 && p.Limit != l[0] || !slices.Equal(p.Tags, want["tag"]) && len(p.Tags)+len(want["tag"]) > 0 {
			t.Fatalf("Params(%q) = %+v; net/url reads %v", q, p, want)
		}
	})
}

func TestParamsBadDestination(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	var n int
	e := asError(t, Default().Params(r, &n))
	if e.Kind != errresp.Internal {
		t.Errorf("kind %v", e.Kind)
	}
}
