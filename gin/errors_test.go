package gin_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/apierror/apierror/errresp"
	apigin "github.com/apierror/apierror/gin"
)

// TestErrorOfGinBinding: gin's own binding failures (encoding/json, and
// validator/v10 with gin's "binding" tags), for a service that does not
// call UseValidation, are 400s listing the field; other errors are nil.
func TestErrorOfGinBinding(t *testing.T) {
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
	bind := func(err error) *gin.Error { return &gin.Error{Err: err, Type: gin.ErrorTypeBind} }
	for _, tc := range []struct {
		name    string
		ge      *gin.Error
		kind    errresp.Kind
		message string
		fields  []errresp.FieldError
	}{
		{"validator", bind(verr), errresp.InvalidRequest, `Name fails the rule "min=3".`, []errresp.FieldError{
			{Field: "Name", Rule: "min", Param: "3", Message: `Name fails the rule "min=3".`},
			{Field: "Size", Rule: "min", Param: "1", Message: `Size fails the rule "min=1".`}}},
		{"wrong type", bind(decode(`{"size":"x"}`, false)), errresp.InvalidRequest, "size must be an integer.",
			[]errresp.FieldError{{Field: "size", Rule: "type", Param: "integer", Message: "size must be an integer."}}},
		{"not an object", bind(decode(`[1]`, false)), errresp.InvalidRequest, "The request body must be an object.", nil},
		{"syntax", bind(decode(`{"name" 1}`, false)), errresp.InvalidRequest, "The request body is not valid JSON (at byte 9).", nil},
		{"empty", bind(decode(``, false)), errresp.InvalidRequest, "The request body is empty; send a JSON object.", nil},
		{"cut short", bind(decode(`{"name":`, false)), errresp.InvalidRequest, "The request body ends before its JSON value does.", nil},
		{"unknown field", bind(decode(`{"colour":"red"}`, true)), errresp.InvalidRequest, "colour is not a known field.",
			[]errresp.FieldError{{Field: "colour", Rule: "unknown", Message: "colour is not a known field."}}},
		{"too large", bind(&http.MaxBytesError{Limit: 10}), errresp.PayloadTooLarge, "The request body is larger than the limit of 10 bytes.", nil},
		{"other binding failure", bind(errors.New("yaml: line 3")), errresp.InvalidRequest, "The request could not be read.", nil},
		{"wrapped *errresp.Error", &gin.Error{Err: errors.Join(io.EOF, errresp.New(errresp.Conflict, "taken"))}, errresp.Conflict, "taken", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := apigin.ErrorOf(tc.ge)
			if e == nil || e.Kind != tc.kind || e.Message != tc.message || len(e.Fields) != len(tc.fields) {
				t.Fatalf("ErrorOf = %+v, want %s %q with %d fields", e, tc.kind, tc.message, len(tc.fields))
			}
			for i, f := range tc.fields {
				if e.Fields[i] != f {
					t.Fatalf("field %d = %+v, want %+v", i, e.Fields[i], f)
				}
			}
		})
	}
	if e := apigin.ErrorOf(&gin.Error{Err: errors.New(secret), Type: gin.ErrorTypePrivate}); e != nil {
		t.Fatalf("a plain error became %+v", e)
	}
	if e := apigin.ErrorOf(nil); e != nil {
		t.Fatalf("nil became %+v", e)
	}
}
