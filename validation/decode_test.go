package validation

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// createVM is the body of the example service's POST /v1/vms.
type createVM struct {
	Name    string `json:"name" validate:"required,min=3,max=63,vmname"`
	Size    int    `json:"size" validate:"required,min=1,max=64"`
	Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID string `json:"image_id" validate:"required,uuid"`
}

var vmDecoder = New(WithMaxBytes(64<<10),
	WithRule("vmname", Match(`[a-z0-9-]+`), "{field} may contain only lowercase letters, digits and hyphens."))

// plainVM is createVM with built-in rules only.
type plainVM struct {
	Name    string `json:"name" validate:"required,min=3,max=63"`
	Size    int    `json:"size" validate:"required,min=1,max=64"`
	Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID string `json:"image_id" validate:"required,uuid"`
}

const goodVM = `{"name":"web-1","size":4,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`

// order has nested structs, slices, maps, pointers and a time.
type order struct {
	ID       string            `json:"id" validate:"required"`
	Items    []item            `json:"items" validate:"required,min=1,dive"`
	Labels   map[string]string `json:"labels" validate:"max=3,dive,keys,min=1,endkeys,max=10"`
	Counts   map[string]int    `json:"counts"`
	Ship     *address          `json:"ship" validate:"required"`
	At       time.Time         `json:"at"`
	Internal string            `json:"-"`
	Note     string            `json:"note,omitempty" validate:"omitempty,max=5"`
}

type item struct {
	Name string `json:"name" validate:"required,min=3"`
	Qty  uint8  `json:"qty" validate:"gte=1"`
	Tags []string
}

type address struct {
	Base
	City string `json:"city" validate:"required"`
}

// Base is embedded: its fields are promoted in JSON and in paths.
type Base struct {
	Country string `json:"country" validate:"required,iso3166_1_alpha2"`
}

func TestDecodeFailures(t *testing.T) {
	t.Parallel()
	small := New(WithMaxBytes(64))
	shallow := New(WithMaxDepth(3))
	folding := New(WithCaseInsensitiveNames(), WithValidator(vmDecoder.validate))
	tests := []struct {
		name       string
		dec        *Decoder
		body, ct   string
		status     int
		msg        string   // in the envelope's message
		fields     []string // "field rule"
		pointer    string   // the first field's pointer
		line, col  int      // of a syntax problem, when not 0
		infoOffset int
	}{
		{name: "content type text/plain", body: goodVM, ct: "text/plain", status: 415, msg: "application/json"},
		{name: "content type missing", body: goodVM, status: 415, msg: "no Content-Type"},
		{name: "content type malformed", body: goodVM, ct: "json", status: 415, msg: "not supported"},
		{name: "charset latin1", body: goodVM, ct: "application/json; charset=latin1", status: 415, msg: "UTF-8"},
		{name: "over the limit", dec: small, body: `{"name":"` + strings.Repeat("a", 60) + `"}`, status: 413, msg: "limit of 64 bytes"},
		{name: "empty", body: "", status: 400, msg: "The request body is empty"},
		{name: "only whitespace", body: " \n\t ", status: 400, msg: "The request body is empty"},
		{name: "null", body: "null", status: 400, msg: "The request body is null"},
		{name: "array", body: `[1,2]`, status: 400, msg: "is an array; send a JSON object"},
		{name: "string", body: `"x"`, status: 400, msg: "is a string; send a JSON object"},
		{name: "number", body: `42`, status: 400, msg: "is a number; send a JSON object"},
		{name: "boolean", body: `true`, status: 400, msg: "is a boolean; send a JSON object"},
		{name: "truncated", body: `{"name":"web-1",`, status: 400, msg: "ends too early at line 1, column 17 (byte offset 16)", line: 1, col: 17, infoOffset: 16},
		{name: "truncated string", body: `{"name":"we`, status: 400, msg: "closing quote", line: 1, col: 12, infoOffset: 11},
		{name: "syntax error", body: `{"name": web}`, status: 400, msg: "not valid JSON: unexpected 'w' at line 1, column 10 (byte offset 9), expected a value", line: 1, col: 10, infoOffset: 9},
		{name: "syntax error on line 3", body: "{\n  \"name\": \"web-1\",\n  \"size\": 4,,\n}", status: 400, msg: "unexpected ',' at line 3, column 13", line: 3, col: 13, infoOffset: 33},
		{name: "missing colon", body: `{"name" "x"}`, status: 400, msg: "expected ':' after the member name"},
		{name: "control character", body: "{\"name\":\"a\x01\"}", status: 400, msg: "control character"},
		{name: "bad escape", body: `{"name":"\q"}`, status: 400, msg: "escape"},
		{name: "leading zero", body: `{"size":01}`, status: 400, msg: "unexpected '1'"},
		{name: "trailing data", body: goodVM + ` {"name":"x"}`, status: 400, msg: "more data after the JSON object", line: 1, col: len(goodVM) + 2},
		{name: "trailing garbage", body: goodVM + `x`, status: 400, msg: "more data after the JSON object"},
		{name: "too deep", dec: shallow, body: `{"a":{"b":{"c":{}}}}`, status: 400, msg: "deeper than 3 levels"},
		{name: "duplicate key", body: `{"name":"web-1","size":4,"name":"web-2"}`, status: 400, msg: "name appears more than once", fields: []string{"name duplicate"}, pointer: "/name"},
		{name: "duplicate key differing in case", dec: folding, body: `{"name":"web-1","NAME":"web-2"}`, status: 400, fields: []string{"NAME duplicate"}},
		{name: "name differing in case", body: `{"name":"web-1","NAME":"web-2","size":4,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`, status: 400, msg: "NAME is not a known field; member names are case-sensitive: did you mean name?", fields: []string{"NAME unknown"}, pointer: "/NAME"},
		{name: "duplicate key escaped", body: `{"name":"web-1","\u006eame":"web-2"}`, status: 400, fields: []string{"name duplicate"}},
		{name: "unknown field", body: `{"name":"web-1","size":4,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","colour":"red"}`, status: 400, msg: "colour is not a known field", fields: []string{"colour unknown"}, pointer: "/colour"},
		{name: "wrong type", body: `{"name":"web-1","size":"four","region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`, status: 400, msg: "size must be an integer", fields: []string{"size type"}},
		{name: "fraction for an integer", body: `{"name":"web-1","size":1.5,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`, status: 400, fields: []string{"size type"}},
		{name: "integer out of range", body: `{"name":"web-1","size":99999999999999999999,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`, status: 400, msg: "from -9223372036854775808 to 9223372036854775807", fields: []string{"size type"}},
		{name: "several bad fields", body: `{"name":7,"size":"x","extra":true}`, status: 400, msg: "3 fields are invalid: name, size, extra", fields: []string{"name type", "size type", "extra unknown"}},
		{name: "validation", body: `{"name":"W!","size":0,"region":"mars","image_id":"nope"}`, status: 400, msg: "4 fields are invalid",
			fields: []string{"name min", "size required", "region oneof", "image_id uuid"}, pointer: "/name"},
		{name: "validation custom rule", body: `{"name":"Web_1","size":65,"region":"us-east","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`, status: 400,
			fields: []string{"name vmname", "size max"}},
		{name: "validation missing fields", body: `{}`, status: 400, fields: []string{"name required", "size required", "region required", "image_id required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.dec
			if d == nil {
				d = vmDecoder
			}
			ct := tc.ct
			if ct == "" && tc.status != 415 {
				ct = "application/json"
			}
			var dst createVM
			err := d.Decode(newRequest(tc.body, ct), &dst)
			e := asError(t, err)
			checkStyles(t, err, tc.status, tc.msg)
			if tc.fields != nil {
				if got := fieldsOf(e); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %q, want %q", got, tc.fields)
				}
			} else if len(e.Fields) != 0 {
				t.Errorf("fields %+v, want none", e.Fields)
			}
			if tc.pointer != "" && e.Fields[0].Pointer != tc.pointer {
				t.Errorf("pointer %q, want %q", e.Fields[0].Pointer, tc.pointer)
			}
			for _, f := range e.Fields {
				if f.In != "body" || f.Message == "" || !strings.HasPrefix(f.Message, f.Field+" ") {
					t.Errorf("field %+v: want In body and a message that starts with the field", f)
				}
				if strings.Contains(f.Message, "createVM") || strings.Contains(f.Message, "Key: ") {
					t.Errorf("field message leaks Go names: %q", f.Message)
				}
			}
			if tc.line != 0 {
				if e.Info["line"] != tc.line || e.Info["column"] != tc.col {
					t.Errorf("info %v, want line %d column %d", e.Info, tc.line, tc.col)
				}
				if tc.infoOffset != 0 && e.Info["offset"] != tc.infoOffset {
					t.Errorf("offset %v, want %d", e.Info["offset"], tc.infoOffset)
				}
			}
			if strings.Contains(e.Message, "json:") || strings.Contains(e.Message, "main.") {
				t.Errorf("message leaks internals: %q", e.Message)
			}
		})
	}
}

func TestDecodeSuccess(t *testing.T) {
	t.Parallel()
	exact := `{"name":"web-1","size":4,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`
	tests := []struct {
		name string
		dec  *Decoder
		body string
		ct   string
	}{
		{name: "plain", body: goodVM, ct: "application/json"},
		{name: "charset utf-8", body: goodVM, ct: "Application/JSON; charset=UTF-8"},
		{name: "structured suffix", body: goodVM, ct: "application/merge-patch+json"},
		{name: "missing type allowed", dec: New(WithMissingContentType()), body: goodVM},
		{name: "exactly the limit", dec: New(WithMaxBytes(int64(len(exact)))), body: exact, ct: "application/json"},
		{name: "surrounding whitespace", body: "\n  " + goodVM + "\n\n", ct: "application/json"},
		{name: "unknown allowed", dec: New(WithUnknownFields()), body: `{"extra":[1,{"a":2}],` + goodVM[1:], ct: "application/json"},
		{name: "duplicates allowed", dec: New(WithDuplicateKeys()), body: `{"size":99,` + goodVM[1:], ct: "application/json"},
		{name: "custom media type", dec: New(WithMediaTypes("application/vnd.vm+json")), body: goodVM, ct: "application/vnd.vm+json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.dec
			if d == nil {
				d = Default()
			}
			var got plainVM
			if err := d.Decode(newRequest(tc.body, tc.ct), &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := plainVM{Name: "web-1", Size: 4, Region: "eu-west", ImageID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}
			if got != want {
				t.Errorf("decoded %+v, want %+v", got, want)
			}
		})
	}
}

func TestDecodeNested(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		fields   []string
		pointers []string
		msg      string
	}{
		{name: "valid", body: `{"id":"o1","items":[{"name":"bolt","qty":2,"Tags":["a"]}],"labels":{"env":"prod"},"counts":{"a":1},"ship":{"country":"FR","city":"Paris"},"at":"2024-01-02T15:04:05Z"}`},
		{name: "types deep in slices and maps",
			body:     `{"id":"o1","items":[{"name":"bolt","qty":1},{"name":"nut","qty":300,"Tags":[1]}],"counts":{"a":"x"},"ship":{"country":1,"city":"P"},"at":"yesterday"}`,
			fields:   []string{"items[1].qty type", "items[1].Tags[0] type", "counts[a] type", "ship.country type", "at format"},
			pointers: []string{"/items/1/qty", "/items/1/Tags/0", "/counts/a", "/ship/country", "/at"},
			msg:      "items[1].qty must be an integer from 0 to 255"},
		{name: "unknown deep", body: `{"id":"o1","items":[{"name":"bolt","qty":1,"colour":"red"}],"ship":{"country":"FR","city":"P","zip":"1"}}`,
			fields: []string{"items[0].colour unknown", "ship.zip unknown"}, pointers: []string{"/items/0/colour", "/ship/zip"}},
		{name: "json dash is not settable", body: `{"id":"o1","Internal":"x","items":[{"name":"bolt","qty":1}],"ship":{"country":"FR","city":"P"}}`,
			fields: []string{"Internal unknown"}},
		{name: "duplicate inside an array", body: `{"id":"o1","items":[{"name":"a"},{"name":"bolt","qty":1,"qty":2}]}`,
			fields: []string{"items[1].qty duplicate"}, pointers: []string{"/items/1/qty"}},
		{name: "rules deep in slices, maps and embedded structs",
			body:     `{"id":"","items":[{"name":"bolt","qty":1},{"name":"nu","qty":0}],"labels":{"a":"b","c":"d","e":"f","g":"h"},"ship":{"country":"xx","city":""},"note":"too long"}`,
			fields:   []string{"id required", "items[1].name min", "items[1].qty gte", "labels max", "ship.country iso3166_1_alpha2", "ship.city required", "note max"},
			pointers: []string{"/id", "/items/1/name", "/items/1/qty", "/labels", "/ship/country", "/ship/city", "/note"},
			msg:      "7 fields are invalid: id, items[1].name, items[1].qty, labels, ship.country and 2 more."},
		{name: "map key rule", body: `{"id":"o1","items":[{"name":"bolt","qty":1}],"labels":{"":"x"},"ship":{"country":"FR","city":"P"}}`,
			fields: []string{"labels[] min"}, pointers: []string{"/labels/"}},
		{name: "map value rule", body: `{"id":"o1","items":[{"name":"bolt","qty":1}],"labels":{"k":"01234567890"},"ship":{"country":"FR","city":"P"}}`,
			fields: []string{"labels[k] max"}, pointers: []string{"/labels/k"}},
		{name: "required struct pointer", body: `{"id":"o1","items":[{"name":"bolt","qty":1}]}`, fields: []string{"ship required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var o order
			err := Decode(jsonRequest(tc.body), &o)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if o.Items[0].Name != "bolt" || o.Ship.Country != "FR" || o.Labels["env"] != "prod" {
					t.Errorf("decoded %+v", o)
				}
				return
			}
			e := checkFailure(t, err, tc.msg, tc.fields)
			for i, p := range tc.pointers {
				if e.Fields[i].Pointer != p {
					t.Errorf("field %d pointer %q, want %q", i, e.Fields[i].Pointer, p)
				}
			}
		})
	}
}

func TestDecodeMessages(t *testing.T) {
	t.Parallel()
	var dst createVM
	err := vmDecoder.Decode(jsonRequest(`{"name":"ab","size":65,"region":"mars","image_id":"x"}`), &dst)
	e := asError(t, err)
	want := []string{
		"name must be at least 3 characters long.",
		"size must be at most 64.",
		"region must be one of: eu-west, us-east, ap-south.",
		"image_id must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000.",
	}
	for i, f := range e.Fields {
		if f.Message != want[i] {
			t.Errorf("field %d message %q, want %q", i, f.Message, want[i])
		}
	}
	if e.Fields[0].Param != "3" || e.Fields[2].Param != "eu-west us-east ap-south" {
		t.Errorf("params %q %q", e.Fields[0].Param, e.Fields[2].Param)
	}
	if strings.Contains(e.Fields[3].Message, `"x"`) {
		t.Errorf("the rejected value is echoed: %q", e.Fields[3].Message)
	}
}

func TestDecodeNoBody(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"", "application/json", "text/plain"} {
		r := httptest.NewRequest(http.MethodPost, "/v1/vms", nil)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		err := Default().Decode(r, &plainVM{})
		checkStyles(t, err, 400, "The request body is empty")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if err := Validate(r, plainVM{Name: "web", Size: 1, Region: "us-east", ImageID: vmID}); err != nil {
		t.Errorf("valid value: %v", err)
	}
	e := asError(t, Validate(r, &plainVM{Name: "web", Size: 100, Region: "us-east", ImageID: vmID}))
	if got := fieldsOf(e); !slices.Equal(got, []string{"size max"}) || e.Fields[0].Pointer != "/size" {
		t.Errorf("fields %+v", e.Fields)
	}
	if err := Validate(r, map[string]int{"a": 1}); err != nil {
		t.Errorf("a map is not validated, got %v", err)
	}
}

func TestDecodeUndefinedRule(t *testing.T) {
	t.Parallel()
	// createVM uses vmname, which only vmDecoder's validator knows.
	e := asError(t, Default().Decode(jsonRequest(goodVM), &createVM{}))
	if e.Kind != errresp.Internal || e.Err == nil {
		t.Fatalf("got %v (cause %v), want internal with a cause", e.Kind, e.Err)
	}
	if body, status := errresp.Render(errresp.Problem(), e, ""); status != 500 || strings.Contains(string(body), "vmname") {
		t.Errorf("status %d body %s", status, body)
	}
}

func TestDecodeBadDestination(t *testing.T) {
	t.Parallel()
	var v createVM
	for name, dst := range map[string]any{"non-pointer": v, "nil pointer": (*createVM)(nil), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := asError(t, Default().Decode(jsonRequest(goodVM), dst))
			if e.Kind != errresp.Internal {
				t.Errorf("kind %v, want internal", e.Kind)
			}
			if body, status := errresp.Render(errresp.GPCN(), e, ""); status != 500 || strings.Contains(string(body), "createVM") {
				t.Errorf("status %d body %s", status, body)
			}
		})
	}
}

// failingReader fails after its bytes are read.
type failingReader struct{ data *strings.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	if f.data.Len() == 0 {
		return 0, errClientGone
	}
	return f.data.Read(p)
}

var errClientGone = &connReset{}

type connReset struct{}

func (*connReset) Error() string { return "read tcp 10.0.0.1:443: connection reset by peer" }

func TestDecodeReadError(t *testing.T) {
	t.Parallel()
	r := jsonRequest("")
	r.Body = io.NopCloser(failingReader{strings.NewReader(`{"name":`)})
	e := asError(t, Default().Decode(r, &createVM{}))
	if e.Kind != errresp.InvalidRequest || strings.Contains(e.Message, "10.0.0.1") {
		t.Errorf("got %v %q", e.Kind, e.Message)
	}
	r = jsonRequest("")
	r.Body = http.MaxBytesReader(nil, io.NopCloser(strings.NewReader(goodVM)), 10)
	e = asError(t, Default().Decode(r, &createVM{}))
	if e.Kind != errresp.PayloadTooLarge || !strings.Contains(e.Message, "10 bytes") {
		t.Errorf("got %v %q", e.Kind, e.Message)
	}
}

func TestDecodeCaseInsensitiveNames(t *testing.T) {
	t.Parallel()
	d := New(WithCaseInsensitiveNames())
	var got plainVM
	if err := d.Decode(jsonRequest(`{"NAME":"web","Size":1,"region":"eu-west","Image_ID":"`+vmID+`"}`), &got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if want := (plainVM{Name: "web", Size: 1, Region: "eu-west", ImageID: vmID}); got != want {
		t.Errorf("decoded %+v, want %+v", got, want)
	}
	// As with encoding/json v1, '_' and '-' still count.
	err := d.Decode(jsonRequest(`{"name":"web","size":1,"region":"eu-west","imageid":"`+vmID+`"}`), &plainVM{})
	checkFailure(t, err, "2 fields are invalid: imageid, image_id.", []string{"imageid unknown", "image_id required"})
	// An exact match wins; a second name for the same field is a duplicate.
	err = d.Decode(jsonRequest(`{"name":"web","size":1,"region":"eu-west","image_id":"`+vmID+`","Size":2}`), &plainVM{})
	checkFailure(t, err, "Size appears more than once", []string{"Size duplicate"})
}
