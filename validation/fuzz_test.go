package validation

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

var fuzzDecoder = New(WithMaxBytes(4096), WithMaxDepth(16))

// checkOutcome fails unless err is nil or a 4xx *errresp.Error whose every
// field carries a path and a message, and which renders as JSON.
func checkOutcome(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	e := asError(t, err)
	body, status := errresp.Render(errresp.Gcore(), e, "id")
	if status < 400 || status >= 500 {
		t.Fatalf("status %d for %v", status, err)
	}
	if !json.Valid(body) {
		t.Fatalf("invalid JSON envelope %s", body)
	}
	for _, f := range e.Fields {
		if f.Message == "" || f.In == "" {
			t.Fatalf("field without message or location: %+v", f)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{goodVM, `{"id":"o1","items":[{"name":"bolt","qty":1}],"labels":{"a":"b"},"ship":{"country":"FR","city":"P"},"at":"2024-01-02T15:04:05Z"}`,
		`{"a":1,"a":2}`, `{"items":[{"name":1}]}`, `[`, `{"x":"\ud800"}`, `{"Ship":{"COUNTRY":"fr"}}`, `{"counts":{"a":1e400}}`, `null`, ``} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(goodVM), "text/plain")
	f.Add([]byte(goodVM), "application/json; charset=utf-16")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		var o order
		err := fuzzDecoder.Decode(r, &o)
		checkOutcome(t, err)
		// What Decode accepts, encoding/json accepts too.
		if err == nil && json.Unmarshal(body, &order{}) != nil {
			t.Fatalf("Decode accepted what encoding/json refuses: %q", body)
		}
	})
}

// FuzzCheckSyntax checks the syntax step against encoding/json v1: what it
// accepts, v1 accepts; what it refuses and v1 accepts is one of v2's stricter
// rules (invalid UTF-8, lone surrogates, duplicate names) or the depth limit;
// a refusal's offset lies within the body.
func FuzzCheckSyntax(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2.5e-3,"x\n",true,false,null]}`, `{"a":1,"A":2}`, `{"a":1,"a":2}`, `[1,]`, `-0.0e+1`, `"\u00e9"`, `"\ud800"`, "\"\xff\"", `{"a":1} x`, `[[[[[[[[1]]]]]]]]`} {
		f.Add([]byte(s))
	}
	d := New(WithMaxDepth(6))
	f.Fuzz(func(t *testing.T, in []byte) {
		if firstByte(in) == len(in) {
			return // Decode refuses an empty body before this step
		}
		e := d.checkSyntax(in, nil)
		valid := json.Valid(in)
		if e == nil {
			if !valid {
				t.Fatalf("accepted what encoding/json v1 refuses: %q", in)
			}
			return
		}
		if off, ok := e.Info["offset"].(int); ok && (off < 0 || off > len(in)) {
			t.Fatalf("offset %d outside the input", off)
		}
		if valid && !strings.Contains(e.Message, "UTF-8") && !strings.Contains(e.Message, "escape") &&
			!strings.Contains(e.Message, "deeper than") && (len(e.Fields) == 0 || e.Fields[0].Rule != "duplicate") {
			t.Fatalf("refused what encoding/json v1 accepts, for no stricter rule: %q: %v", in, e)
		}
	})
}

func FuzzParams(f *testing.F) {
	f.Add("limit=10&state=running&tag=a&tag=b&verbose=1&wait=1s&since=2024-01-02T15:04:05Z", vmID)
	f.Add("limit=%zz&tag=;", "x")
	f.Fuzz(func(t *testing.T, query, id string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.RawQuery = query
		r.SetPathValue("id", id)
		var p vmParams
		err := Params(r, &p)
		checkOutcome(t, err)
		if err != nil {
			for _, fe := range asError(t, err).Fields {
				if fe.In != "path" && fe.In != "query" {
					t.Fatalf("field %+v has location %q", fe, fe.In)
				}
				if fe.Field != "id" && strings.Contains(fe.Message, id) && len(id) > 3 {
					t.Fatalf("message echoes input: %q", fe.Message)
				}
			}
		}
	})
}
