package gin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// answerErrors answers the last error of c.Errors, when the handlers left
// one: an *errresp.Error (anywhere in its chain) or a binding failure in
// place of whatever was written for it so far (the empty 400 of c.Bind), any
// other error with a 500 when nothing was written; when the handler aborted
// with a status, that status's envelope answers it (the core's
// interception) and the error's text stays out of the body. A 5xx cause is
// logged once with the request id, as middleware.Handler logs it.
func answerErrors(c *gin.Context, w http.ResponseWriter, r *http.Request) {
	if len(c.Errors) == 0 {
		return
	}
	ge := c.Errors.Last()
	if prev, _ := c.Get(answeredKey); prev == ge {
		return // a Wrap further in answered it
	}
	var err error
	if e := ErrorOf(ge); e != nil {
		err = e
	} else if c.Writer.Written() {
		return
	} else {
		err = ge.Err
	}
	c.Set(answeredKey, ge)
	middleware.Handler(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
}

// answeredKey keeps, in c.Keys, the error of c.Errors the stack answered,
// so that Wraps further out do not answer it again.
const answeredKey = "github.com/apierror/apierror/gin.answered"

// ErrorOf returns the *errresp.Error a gin error stands for: the first
// *errresp.Error in its chain, or, for a binding failure (gin's
// ErrorTypeBind, or the errors gin's JSON binding and validator return),
// a 400 InvalidRequest listing each bad field (413 for a body past
// http.MaxBytesReader's limit). It returns nil for any other error, whose
// text must not reach a client.
func ErrorOf(ge *gin.Error) *errresp.Error {
	if ge == nil || ge.Err == nil {
		return nil
	}
	var e *errresp.Error
	if errors.As(ge.Err, &e) {
		return errresp.From(e)
	}
	if e := bindingError(ge.Err); e != nil {
		return e
	}
	if ge.IsType(gin.ErrorTypeBind) {
		return errresp.New(errresp.InvalidRequest, "The request could not be read.")
	}
	return nil
}

// bindingError words the failures of gin's own JSON binding (encoding/json)
// and validator (validator/v10, Go field names) in the core's terms; nil for
// anything else. BindWith replaces both with package validation, whose
// messages name the JSON members.
func bindingError(err error) *errresp.Error {
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
	case errors.As(err, &se):
		return errresp.New(errresp.InvalidRequest, "The request body is not valid JSON (at byte "+strconv.FormatInt(se.Offset, 10)+").")
	case errors.Is(err, io.EOF):
		return errresp.New(errresp.InvalidRequest, "The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errresp.New(errresp.InvalidRequest, "The request body ends before its JSON value does.")
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
