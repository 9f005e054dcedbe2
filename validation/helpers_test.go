package validation

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// newRequest builds a POST with body and Content-Type ct (none when empty).
func newRequest(body, ct string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/vms", strings.NewReader(body))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

func jsonRequest(body string) *http.Request { return newRequest(body, "application/json") }

// asError returns err as the *errresp.Error the package promises.
func asError(t *testing.T, err error) *errresp.Error {
	t.Helper()
	if err == nil {
		t.Fatal("got nil error, want a failure")
	}
	var e *errresp.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T (%v), want *errresp.Error", err, err)
	}
	return e
}

// fieldsKey and the member names of a field error, per style.
var styleFields = map[string]struct{ list, message, pointerPrefix string }{
	"problem": {"errors", "detail", "#"},
	"gcore":   {"invalid_fields", "message", ""},
	"gpcn":    {"fields", "message", ""},
	"devdocs": {"errors", "message", ""},
	"authpi":  {"fields", "message", ""},
}

// checkStyles writes err through errresp.Write in every registered style and
// checks the status, that the message names wantInMessage, and that every
// field error lands where the style puts it, with its pointer and message;
// then that errresp.Decode gives the same fields back.
func checkStyles(t *testing.T, err error, status int, wantInMessage string) {
	t.Helper()
	e := asError(t, err)
	for _, s := range errresp.Styles() {
		names, ok := styleFields[s.Name]
		if !ok {
			continue
		}
		w := httptest.NewRecorder()
		r := errresp.WithStyle(httptest.NewRequest(http.MethodPost, "/", nil), s)
		if _, werr := errresp.Write(w, r, e); werr != nil {
			t.Fatalf("%s: Write: %v", s.Name, werr)
		}
		res := w.Result()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d; body %s", s.Name, res.StatusCode, status, body)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("%s: body is not JSON: %v: %s", s.Name, err, body)
		}
		if wantInMessage != "" && !strings.Contains(string(body), jsonText(wantInMessage)) {
			t.Errorf("%s: body lacks %q: %s", s.Name, wantInMessage, body)
		}
		list, _ := m[names.list].([]any)
		if len(list) != len(e.Fields) {
			t.Fatalf("%s: %q holds %d entries, want %d: %s", s.Name, names.list, len(list), len(e.Fields), body)
		}
		for i, x := range list {
			got := x.(map[string]any)
			want := e.Fields[i]
			if got["field"] != want.Field || got[names.message] != want.Message {
				t.Errorf("%s: field %d = %v, want field %q message %q", s.Name, i, got, want.Field, want.Message)
			}
			if want.Pointer != "" && got["pointer"] != names.pointerPrefix+want.Pointer {
				t.Errorf("%s: field %d pointer %v, want %q", s.Name, i, got["pointer"], names.pointerPrefix+want.Pointer)
			}
		}
		res.Body = io.NopCloser(strings.NewReader(string(body)))
		back, derr := errresp.Decode(res)
		if derr != nil {
			t.Fatalf("%s: Decode: %v", s.Name, derr)
		}
		if back.Kind != e.Kind || !reflect.DeepEqual(normal(back.Fields), normal(e.Fields)) {
			t.Errorf("%s: round trip gave %v %+v, want %v %+v", s.Name, back.Kind, back.Fields, e.Kind, e.Fields)
		}
	}
}

// jsonText is s as it appears inside a JSON string written by errresp.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	out := string(b[1 : len(b)-1])
	return strings.NewReplacer(`<`, `\u003c`, `>`, `\u003e`, `&`, `\u0026`).Replace(out)
}

func normal(fs []errresp.FieldError) []errresp.FieldError {
	if len(fs) == 0 {
		return nil
	}
	return fs
}

// fieldsOf returns "field rule" for each field error, for compact asserts.
func fieldsOf(e *errresp.Error) []string {
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Field + " " + f.Rule
	}
	return out
}

// checkFailure checks a 400 in every style and its fields ("field rule"), and
// returns the error.
func checkFailure(t *testing.T, err error, msg string, fields []string) *errresp.Error {
	t.Helper()
	e := asError(t, err)
	checkStyles(t, err, http.StatusBadRequest, msg)
	if got := fieldsOf(e); !slices.Equal(got, fields) {
		t.Errorf("fields %q, want %q", got, fields)
	}
	return e
}
