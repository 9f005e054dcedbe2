// Package bindfail words the binding failures of the frameworks the
// adapter modules serve (gin's and echo's encoding/json decoding and
// validator/v10 checks, made before package validation is asked) as the
// core's *errresp.Error, so that gin and echo answer them alike.
package bindfail

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/validation"
)

// From words a binding failure of a framework's own (encoding/json's
// errors, validator/v10's with the struct's field names, a body past
// http.MaxBytesReader's limit) as the core's *errresp.Error: a 400
// InvalidRequest listing the field where there is one, or a 413. It returns
// nil for any other error.
func From(err error) *errresp.Error {
	var (
		ve  validator.ValidationErrors
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return errresp.From(mbe)
	case errors.As(err, &ve):
		fs := make([]errresp.FieldError, 0, len(ve))
		for _, fe := range ve {
			name := fe.Namespace()
			if _, rest, ok := strings.Cut(name, "."); ok {
				name = rest
			}
			fs = append(fs, errresp.FieldError{Field: name, Rule: fe.Tag(), Param: fe.Param(),
				Message: name + " fails the rule " + strconv.Quote(ruleText(fe)) + "."})
		}
		return errresp.NewInvalid(fs[0].Message, fs...)
	case errors.As(err, &te):
		typ := article(jsonType(te.Type))
		if te.Field == "" {
			return errresp.New(errresp.InvalidRequest, "The request body must be "+typ+".")
		}
		f := errresp.FieldError{Field: te.Field, Rule: "type", Param: jsonType(te.Type), Message: te.Field + " must be " + typ + "."}
		return errresp.NewInvalid(f.Message, f)
	case errors.As(err, &se) && se.Error() == "unexpected end of JSON input":
		return errresp.New(errresp.InvalidRequest, msgCutShort) // json.Unmarshal's word for a body cut short
	case errors.As(err, &se):
		return errresp.New(errresp.InvalidRequest, "The request body is not valid JSON (at byte "+strconv.FormatInt(se.Offset, 10)+").")
	case errors.Is(err, io.EOF):
		return errresp.New(errresp.InvalidRequest, "The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errresp.New(errresp.InvalidRequest, msgCutShort)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		f := errresp.FieldError{Field: name, Rule: "unknown", Message: name + " is not a known field."}
		return errresp.NewInvalid(f.Message, f)
	}
	return nil
}

// ruleText is a validator rule as written in the tag: "min=3".
func ruleText(fe validator.FieldError) string {
	if fe.Param() == "" {
		return fe.Tag()
	}
	return fe.Tag() + "=" + fe.Param()
}

// jsonType names the JSON type a Go type decodes from.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return "value"
}

func article(noun string) string {
	if strings.IndexByte("aeiou", noun[0]) >= 0 {
		return "an " + noun
	}
	return "a " + noun
}

// msgCutShort is the answer to a body that ends inside its JSON value.
const msgCutShort = "The request body ends before its JSON value does."

// noRequest stands for the request a framework's validator does not see:
// messages are the decoder's English ones.
var noRequest = &http.Request{Header: http.Header{}}

// Validate checks v with d's rules when v is a struct or a pointer to one,
// as a framework's validator hook (gin's binding.StructValidator, echo's
// Validator) asks; other values pass.
func Validate(d *validation.Decoder, v any) error {
	if v == nil {
		return nil
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	return d.Validate(noRequest, v)
}
