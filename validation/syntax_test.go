package validation

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckSyntaxAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	d := New(WithMaxDepth(maxDepthLimit))
	tests := []string{
		`{}`, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":"\u00e9\n"}`, `[]`, `[1,]`, `{"a":1,}`, `{,}`,
		`-`, `-0`, `-01`, `0.`, `0.5`, `1e`, `1e+`, `1E-7`, `.5`, `+1`, `1.5e3`, `00`,
		`"\u12"`, `"\uZZZZ"`, `"\x"`, "\"\t\"", `"\/"`, `tru`, `true`, `nul`, `null `,
		`{"a" :1}`, `{"a":1 "b":2}`, `{1:2}`, `[1 2]`, `{"a":{"b":[]}}`, "\ufeff{}", ` `, ``, `{}}`, `[[]`, `"`,
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			e := d.checkSyntax([]byte(in), nil)
			// Only encoding/json v1's leniency with invalid UTF-8 and lone
			// surrogates tells the two apart, and no input here has them.
			if got, want := e == nil && strings.TrimSpace(in) != "", json.Valid([]byte(in)); got != want {
				t.Errorf("checkSyntax valid=%v (%v), json.Valid=%v", got, e, want)
			}
		})
	}
}

func TestCheckSyntaxRefusesWhatV1Mended(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"{\"a\":\"\xff\"}", `{"a":"\ud800"}`, `{"a":"\udc00\ud800"}`} {
		if !json.Valid([]byte(in)) || utf8.ValidString(in) && !strings.Contains(in, `\ud`) {
			t.Fatalf("%q: not an input encoding/json v1 accepts", in)
		}
		if e := Default().checkSyntax([]byte(in), nil); e == nil || e.Info["offset"] == nil {
			t.Errorf("%q: %v, want a 400 with its offset", in, e)
		}
	}
}

func TestCheckSyntaxDuplicates(t *testing.T) {
	t.Parallel()
	many := func(n int, extra string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + `":1,`)
		}
		b.WriteString(extra + "}")
		return b.String()
	}
	tests := []struct {
		name  string
		body  string
		field string // of the duplicate, "" for none
	}{
		{name: "none", body: `{"a":1,"b":{"a":2},"c":[{"a":1},{"a":1}]}`},
		{name: "same object", body: `{"a":1,"b":2,"a":3}`, field: "a"},
		{name: "nested", body: `{"a":{"x":1,"x":2},"x":3}`, field: "a.x"},
		{name: "in an array", body: `{"a":[{"x":1},{"x":1,"x":2}]}`, field: "a[1].x"},
		{name: "case differs", body: `{"Name":1,"nAME":2}`},
		{name: "kelvin sign", body: `{"k":1,"\u212a":2}`},
		{name: "escaped", body: `{"ab":1,"a\u0062":2}`, field: "ab"},
		{name: "many keys, no duplicate", body: many(500, `"last":1`)},
		{name: "many keys, duplicate at the end", body: many(500, `"kaaa":1`), field: "kaaa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := Default().checkSyntax([]byte(tc.body), nil)
			switch {
			case tc.field == "" && e != nil:
				t.Errorf("got %v, want no problem", e)
			case tc.field != "" && (e == nil || len(e.Fields) != 1 || e.Fields[0].Field != tc.field || e.Fields[0].Rule != "duplicate"):
				t.Errorf("got %v, want %s as a duplicate", e, tc.field)
			}
		})
	}
	if e := New(WithDuplicateKeys()).checkSyntax([]byte(`{"a":1,"a":2}`), nil); e != nil {
		t.Errorf("AllowDuplicateKeys: %v", e)
	}
}

func TestSyntaxMessages(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, want string }{
		{`{"name":"web-1",`, "The request body ends too early at line 1, column 17 (byte offset 16): expected a quoted member name; the JSON is incomplete."},
		{`{"name"`, "The request body ends too early at line 1, column 8 (byte offset 7): expected ':' after the member name; the JSON is incomplete."},
		{`{"a":[1`, "The request body ends too early at line 1, column 8 (byte offset 7): expected ',' or ']'; the JSON is incomplete."},
		{`{"a":tr`, "The request body ends too early at line 1, column 8 (byte offset 7): expected the rest of true; the JSON is incomplete."},
		{`{"a":"x`, "The request body ends too early at line 1, column 8 (byte offset 7): expected the closing quote of a string; the JSON is incomplete."},
		{`{"a":1,}`, "The request body is not valid JSON: unexpected '}' at line 1, column 8 (byte offset 7), expected a quoted member name."},
		{`{"a":[1,]}`, "The request body is not valid JSON: unexpected ']' at line 1, column 9 (byte offset 8), expected a value."},
		{`{tru:1}`, "The request body is not valid JSON: unexpected 't' at line 1, column 2 (byte offset 1), expected a quoted member name or '}'."},
		{`{"a":1 "b":2}`, "The request body is not valid JSON: unexpected '\"' at line 1, column 8 (byte offset 7), expected ',' or '}'."},
		{`{"a":[1 2]}`, "The request body is not valid JSON: unexpected '2' at line 1, column 9 (byte offset 8), expected ',' or ']'."},
		{`{"a":trux}`, "The request body is not valid JSON: unexpected 'x' at line 1, column 9 (byte offset 8), expected the rest of true."},
		{"{\n\"a\":\"é\xff\"}", "The request body is not valid JSON: unexpected the byte 0xff at line 2, column 7 (byte offset 9), expected text encoded as UTF-8."},
		{`{"a":"\ud800"}`, "The request body is not valid JSON: a bad escape sequence at line 1, column 7 (byte offset 6)"},
		{`{} {}`, "The request body has more data after the JSON object at line 1, column 4 (byte offset 3); send exactly one object."},
		{`{"a":[[[1]]]}`, "The request body nests objects and arrays deeper than 3 levels at line 1, column 8 (byte offset 7)."},
	}
	d := New(WithMaxDepth(3))
	for _, tc := range tests {
		if e := d.checkSyntax([]byte(tc.body), nil); e == nil || !strings.HasPrefix(e.Message, tc.want) {
			t.Errorf("%q: got %v, want %q", tc.body, e, tc.want)
		}
	}
}
