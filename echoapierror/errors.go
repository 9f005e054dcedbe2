package echoapierror

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/bindfail"
	"github.com/apierror/apierror/middleware"
)

// HTTPErrorHandler is an echo.HTTPErrorHandler that answers err with an
// envelope in the request's style (see the package doc for how each error
// maps to a kind). A 5xx's cause is logged once with the request id and
// never sent. When the response has already started, nothing is written
// and the error is logged.
func HTTPErrorHandler(c *echo.Context, err error) {
	if err == nil {
		return
	}
	w, r := c.Response(), c.Request()
	switch {
	case errors.Is(err, echo.ErrNotFound) && c.RouteInfo().Name == echo.NotFoundRouteName:
		middleware.NotFound(w, r)
		return
	case errors.Is(err, echo.ErrMethodNotAllowed):
		middleware.MethodNotAllowed(w, r)
		return
	}
	if e := ErrorOf(err); e != nil {
		err = e
	}
	middleware.Handler(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
}

// ErrorOf returns the *errresp.Error an error returned in an echo service
// stands for: the first *errresp.Error in its chain; for a binding failure
// (*echo.BindingError, encoding/json's and validator/v10's errors) a 400
// InvalidRequest listing the field; for an error with a status
// (echo.StatusCode) the kind of that status with that status, keeping an
// *echo.HTTPError's message below 500. It returns nil for any other error,
// whose text must not reach a client.
func ErrorOf(err error) *errresp.Error {
	if err == nil {
		return nil
	}
	var e *errresp.Error
	if errors.As(err, &e) {
		return errresp.From(e)
	}
	var be *echo.BindingError
	if errors.As(err, &be) {
		msg := be.Message
		if msg == "" {
			msg = "The value is not valid."
		}
		f := errresp.FieldError{Field: be.Field, Message: be.Field + ": " + msg}
		return errresp.NewInvalid(f.Message, f)
	}
	if e := bindfail.From(err); e != nil {
		return e
	}
	code := echo.StatusCode(err)
	if code < 400 || code > 599 {
		return nil
	}
	e = &errresp.Error{Kind: errresp.KindForStatus(code), HTTPStatus: code, Err: err}
	var he *echo.HTTPError
	if code < 500 && errors.As(err, &he) && he.Message != http.StatusText(code) {
		e.Message = he.Message // a status's own phrase (echo.ErrForbidden.Wrap) says nothing more
	}
	return e
}
