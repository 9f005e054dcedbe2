package bindfail

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/validation"
)

type item struct {
	Name string `json:"name" binding:"required,min=3" validate:"required,min=3"`
	Size int    `json:"size" binding:"min=1" validate:"min=1"`
}

// TestFrom: a framework's own binding failures (encoding/json, and
// validator/v10 with gin's "binding" tags) are 400s listing the field, a
// body past its limit a 413; other errors are nil.
func TestFrom(t *testing.T) {
	t.Parallel()
	v := validator.New()
	v.SetTagName("binding")
	verr := v.Struct(item{Name: "ab"})
	decode := func(body string, strict bool) error {
		d := json.NewDecoder(bytes.NewReader([]byte(body)))
		if strict {
			d.DisallowUnknownFields()
		}
		return d.Decode(new(item))
	}
	for _, tc := range []struct {
		name    string
		err     error
		kind    errresp.Kind
		message string
		fields  []errresp.FieldError
	}{
		{"validator", verr, errresp.InvalidRequest, `Name fails the rule "min=3".`, []errresp.FieldError{
			{Field: "Name", Rule: "min", Param: "3", Message: `Name fails the rule "min=3".`},
			{Field: "Size", Rule: "min", Param: "1", Message: `Size fails the rule "min=1".`}}},
		{"wrong type", decode(`{"size":"x"}`, false), errresp.InvalidRequest, "size must be an integer.",
			[]errresp.FieldError{{Field: "size", Rule: "type", Param: "integer", Message: "size must be an integer."}}},
		{"not an object", decode(`[1]`, false), errresp.InvalidRequest, "The request body must be an object.", nil},
		{"syntax", decode(`{"name" 1}`, false), errresp.InvalidRequest, "The request body is not valid JSON (at byte 9).", nil},
		{"empty", decode(``, false), errresp.InvalidRequest, "The request body is empty; send a JSON object.", nil},
		{"cut short", decode(`{"name":`, false), errresp.InvalidRequest, "The request body ends before its JSON value does.", nil},
		{"cut short, whole body", json.Unmarshal([]byte(`{"name":`), new(item)), errresp.InvalidRequest, "The request body ends before its JSON value does.", nil},
		{"unknown field", decode(`{"colour":"red"}`, true), errresp.InvalidRequest, "colour is not a known field.",
			[]errresp.FieldError{{Field: "colour", Rule: "unknown", Message: "colour is not a known field."}}},
		{"too large", &http.MaxBytesError{Limit: 10}, errresp.PayloadTooLarge, "The request body is larger than the limit of 10 bytes.", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := From(tc.err)
			if e == nil || e.Kind != tc.kind || e.Message != tc.message || len(e.Fields) != len(tc.fields) {
				t.Fatalf("From = %+v, want %s %q with %d fields", e, tc.kind, tc.message, len(tc.fields))
			}
			for i, f := range tc.fields {
				if e.Fields[i] != f {
					t.Fatalf("field %d = %+v, want %+v", i, e.Fields[i], f)
				}
			}
		})
	}
	if e := From(errors.New("pq: secret")); e != nil {
		t.Fatalf("a plain error became %+v", e)
	}
}

// TestValidate: structs and pointers to them are checked with the
// decoder's rules; other values pass.
func TestValidate(t *testing.T) {
	t.Parallel()
	d := validation.Default()
	if err := Validate(d, &item{Name: "ab", Size: 1}); errresp.KindOf(err) != errresp.InvalidRequest {
		t.Fatalf("Validate(invalid) = %v", err)
	}
	if err := Validate(d, item{Name: "abc", Size: 1}); err != nil {
		t.Fatalf("Validate(valid) = %v", err)
	}
	for _, v := range []any{nil, 7, []item{{}}, map[string]int{}} {
		if err := Validate(d, v); err != nil {
			t.Fatalf("Validate(%v) = %v", v, err)
		}
	}
}
