package validation

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/go-playground/validator/v10"
)

type wholeBody struct{ V int }

func (w *wholeBody) UnmarshalJSON(b []byte) error {
	if string(b) != `{"v":1}` {
		return errBadWhole
	}
	w.V = 1
	return nil
}

var errBadWhole = errresp.New(errresp.Internal, "internal detail")

type named struct {
	Inner Base `json:"inner"`
	Base  `json:"base"`
}

func TestDecodeShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		dst    any
		body   string
		fields []string
		msg    string
	}{
		{name: "custom unmarshaler of the whole body", dst: &wholeBody{}, body: `{"v":2}`, fields: []string{" format"}, msg: "The request body is not in a valid format."},
		{name: "named embedded struct is not promoted", dst: &named{}, body: `{"country":"FR"}`, fields: []string{"country unknown", "Inner.Country required", "Base.Country required"}},
		{name: "named embedded struct as an object", dst: &named{}, body: `{"base":{"country":"FR","x":1},"inner":{"country":"FR"}}`, fields: []string{"base.x unknown"}},
		{name: "long unknown name is clipped", dst: &plainVM{}, body: `{"` + strings.Repeat("é", 100) + `":1,"name":"web","size":1,"region":"eu-west","image_id":"` + vmID + `"}`, fields: []string{strings.Repeat("é", 32) + "… unknown"}},
		{name: "names are case-sensitive", dst: &plainVM{}, body: `{"NAME":"web","Size":1,"region":"eu-west","image_id":"` + vmID + `"}`, fields: []string{"NAME unknown", "Size unknown", "Name required"}},
		{name: "map with integer keys", dst: &map[int]string{}, body: `{"1":"a","x":"b"}`, fields: []string{"[x] key"}},
		{name: "bytes as base64", dst: &struct {
			B []byte `json:"b"`
		}{}, body: `{"b":"!!"}`, fields: []string{"b type"}},
		{name: "string option", dst: &struct {
			N int `json:"n,string"`
		}{}, body: `{"n":5}`, fields: []string{"n type"}},
		{name: "interface accepts anything", dst: &struct {
			X any `json:"x"`
		}{}, body: `{"x":[1,{"a":null}]}`},
		{name: "float too large", dst: &struct {
			F float32 `json:"f"`
		}{}, body: `{"f":1e300}`, fields: []string{"f type"}},
		{name: "array for a struct", dst: &plainVM{}, body: `{"name":["web"]}`, fields: []string{"name type"}},
		{name: "object for a slice", dst: &order{}, body: `{"items":{"name":"x"}}`, fields: []string{"items type"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := New(WithValidator(validator.New())).Decode(jsonRequest(tc.body), tc.dst)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			e := checkFailure(t, err, tc.msg, tc.fields)
			if strings.Contains(e.Message, "internal detail") {
				t.Errorf("message leaks the cause: %q", e.Message)
			}
		})
	}
}

// v1Shapes has the struct tags and types whose decoding services relied on
// under encoding/json v1.
type v1Shapes struct {
	Wait    time.Duration     `json:"wait"`
	N       int               `json:"n,string"`
	Q       bool              `json:"q,string"`
	F       *float64          `json:"f"`
	B       []byte            `json:"b"`
	ByID    map[int]string    `json:"by_id"`
	At      time.Time         `json:"at"`
	Pair    [2]int            `json:"pair"`
	X       any               `json:"x"`
	Raw     json.RawMessage   `json:"raw"`
	Untaged string            // no tag: named by its Go name
	Labels  map[string]string `json:"labels"`
	Base
}

func TestDecodeKeepsWhatV1Accepted(t *testing.T) {
	t.Parallel()
	d := New(WithValidator(validator.New()))
	body := `{"wait":1500000000,"n":"42","q":"true","f":null,"b":"AAEC","by_id":{"7":"x"},"at":"2024-01-02T15:04:05+01:00",` +
		`"pair":[1,2],"x":{"k":[1,"a",null]},"raw":{"kept":true},"Untaged":"u","labels":{"a":"b","A":"c"},"country":"FR"}`
	var got v1Shapes
	if err := d.Decode(jsonRequest(body), &got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.Wait != 1500*time.Millisecond || got.N != 42 || !got.Q || got.F != nil || string(got.B) != "\x00\x01\x02" ||
		got.ByID[7] != "x" || got.At.Unix() != 1704204245 || got.Pair != [2]int{1, 2} || string(got.Raw) != `{"kept":true}` ||
		got.Untaged != "u" || got.Labels["A"] != "c" || got.Country != "FR" {
		t.Errorf("decoded %+v", got)
	}
}
