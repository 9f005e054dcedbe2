package humaapierror

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/apierror/apierror/errresp"
)

// statusError is the huma.StatusError huma.NewError and
// huma.NewErrorWithContext return once Configure has run: the failure as an
// *errresp.Error, written by the transformer in the request's style.
type statusError struct {
	e      *errresp.Error
	status int // the status in the style it was built for
}

func (s *statusError) Error() string  { return s.e.Error() }
func (s *statusError) GetStatus() int { return s.status }
func (s *statusError) Unwrap() error  { return s.e }

// ContentType implements huma.ContentTypeFilter: the default style's, until
// the transformer sets the request's.
func (s *statusError) ContentType(string) string { return errresp.Default.ContentType }

// ErrorOf returns the *errresp.Error huma's arguments to NewError stand for:
// an *errresp.Error among errs as it is; validation failures (status 422, or
// 400 with huma's error details) as a 400 InvalidRequest listing each
// field; any other status as the kind of that status with that status, a
// 4xx keeping msg, a 5xx keeping errs only as its cause.
func ErrorOf(status int, msg string, errs ...error) *errresp.Error {
	for _, err := range errs {
		var e *errresp.Error
		if errors.As(err, &e) {
			return errresp.From(e)
		}
	}
	var (
		fields []errresp.FieldError
		whole  string // the message of a detail about a whole location ("body": it does not parse)
	)
	for _, err := range errs {
		var d huma.ErrorDetailer
		if !errors.As(err, &d) || d.ErrorDetail() == nil {
			continue
		}
		if f, ok := field(d.ErrorDetail()); ok {
			fields = append(fields, f)
		} else if whole == "" {
			whole = d.ErrorDetail().Message
		}
	}
	if status == http.StatusUnprocessableEntity || status == http.StatusBadRequest && (len(fields) > 0 || whole != "") {
		msg := "The request is not valid."
		switch {
		case len(fields) > 0:
			msg = fields[0].Message
		case whole != "":
			msg = whole
		}
		if len(fields) > 1 {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.Field
			}
			msg = "The request is not valid: " + strings.Join(names, ", ") + "."
		}
		return errresp.NewInvalid(msg, fields...)
	}
	if status == http.StatusInternalServerError && len(errs) > 0 {
		return errresp.From(errors.Join(errs...)) // a handler's error: as middleware.Handler answers it
	}
	e := &errresp.Error{Kind: errresp.KindForStatus(status), HTTPStatus: status, Err: errors.Join(errs...)}
	if status < 500 {
		e.Message = msg
	}
	return e
}

// field is a huma error detail as a field error: location "body.name" is
// field "name" in "body". A detail about a whole location ("body") is not a
// field: ok is false.
func field(d *huma.ErrorDetail) (f errresp.FieldError, ok bool) {
	in, name, ok := strings.Cut(d.Location, ".")
	if !ok || name == "" {
		return f, false
	}
	f = errresp.FieldError{Field: name, In: in, Message: d.Message}
	if in == "body" {
		f.Pointer = pointer(name)
	}
	if f.Message == "" {
		f.Message = "The value is not valid."
	}
	return f, true
}

// pointer is the JSON pointer of a huma body path: items[3].tags is
// /items/3/tags.
func pointer(path string) string {
	r := strings.NewReplacer("~", "~0", "/", "~1", "[", ".", "]", "")
	return "/" + strings.ReplaceAll(r.Replace(path), ".", "/")
}

// newError and newErrorWithContext replace huma's package variables.
func newError(status int, msg string, errs ...error) huma.StatusError {
	e := ErrorOf(status, msg, errs...)
	return &statusError{e: e, status: e.Status(errresp.Default)}
}

func newErrorWithContext(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
	e := ErrorOf(status, msg, errs...)
	s := errresp.Default
	if ctx != nil {
		s = styleOf(ctx)
	}
	return &statusError{e: e, status: e.Status(s)}
}

var configureOnce sync.Once

// Configure makes huma build its errors as apierror's (it sets
// huma.NewError and huma.NewErrorWithContext, package variables of huma, so
// it holds for every huma API in the program) and adds to config the
// transformer that writes them in the style of each request. Call it
// before creating the API, for every API's config.
func Configure(config *huma.Config) {
	if config == nil {
		panic("apierror/huma: Configure needs a config")
	}
	configureOnce.Do(func() {
		huma.NewError = newError
		huma.NewErrorWithContext = newErrorWithContext
	})
	config.Transformers = append([]huma.Transformer{transform}, config.Transformers...)
}
