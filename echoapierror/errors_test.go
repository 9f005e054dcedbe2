package echoapierror_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/echoapierror"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

// teapotError is an error of a service's own with a status.
type teapotError struct{}

func (teapotError) Error() string   { return "short and stout" }
func (teapotError) StatusCode() int { return http.StatusTeapot }

// TestErrorOf: how each error an echo service returns maps to a kind.
func TestErrorOf(t *testing.T) {
	t.Parallel()
	bindErr := echo.NewBindingError("limit", []string{"x"}, "failed to bind field value to int", errors.New("strconv"))
	for _, tc := range []struct {
		name    string
		err     error
		kind    errresp.Kind
		status  int
		message string
		field   string
	}{
		{"binding error", bindErr, errresp.InvalidRequest, 0, "limit: failed to bind field value to int", "limit"},
		{"status phrase dropped", echo.ErrForbidden.Wrap(errors.New(secret)), errresp.PermissionDenied, 403, "", ""},
		{"message kept below 500", echo.NewHTTPError(409, "name taken"), errresp.Conflict, 409, "name taken", ""},
		{"message dropped at 500", echo.NewHTTPError(502, secret), errresp.BadGateway, 502, "", ""},
		{"a status of the service's own", teapotError{}, errresp.ClientError, 418, "", ""},
		{"too large", echo.ErrStatusRequestEntityTooLarge, errresp.PayloadTooLarge, 413, "", ""},
		{"wrapped *errresp.Error", errors.Join(errors.New("x"), errresp.New(errresp.Gone, "gone")), errresp.Gone, 0, "gone", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := echoapierror.ErrorOf(tc.err)
			if e == nil || e.Kind != tc.kind || e.HTTPStatus != tc.status || e.Message != tc.message {
				t.Fatalf("ErrorOf = %+v, want %s %d %q", e, tc.kind, tc.status, tc.message)
			}
			if tc.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != tc.field) {
				t.Fatalf("fields %+v, want %s", e.Fields, tc.field)
			}
		})
	}
	if e := echoapierror.ErrorOf(errors.New(secret)); e != nil {
		t.Fatalf("a plain error became %+v", e)
	}
}

// TestConfigurationPanics: a nil or missing argument is a start-up panic.
func TestConfigurationPanics(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(){
		"Wrap()":             func() { echoapierror.Wrap() },
		"Wrap(nil)":          func() { echoapierror.Wrap(middleware.RequestID(), nil) },
		"Mount(nil)":         func() { echoapierror.Mount(nil, adaptertest.Style("gpcn")) },
		"UseValidation(nil)": func() { echoapierror.UseValidation(nil, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}

// TestEchoOwnBinding: without UseValidation, echo's own c.Bind failures
// (encoding/json's errors wrapped in an *echo.HTTPError) are still 400s,
// the field listed where encoding/json names one.
func TestEchoOwnBinding(t *testing.T) {
	t.Parallel()
	e := echo.New()
	echoapierror.Mount(e, adaptertest.Style("gpcn"))
	e.POST("/items", func(c *echo.Context) error { return c.Bind(new(item)) })
	srv := serve(t, e)
	for body, want := range map[string]string{
		`{"name":`:     `{"success":false,"error":"INVALID_REQUEST","message":"The request body ends before its JSON value does.","requestId":"own-1"}` + "\n",
		`{"size":"x"}`: `{"success":false,"error":"INVALID_REQUEST","message":"size must be an integer.","requestId":"own-1","fields":[{"field":"size","rule":"type","param":"integer","message":"size must be an integer."}]}` + "\n",
	} {
		got := call(t, srv, "POST", "/items", body, "X-Request-ID", "own-1")
		if got.Status != 400 || got.Body != want {
			t.Errorf("%s: %d %s\nwant %s", body, got.Status, got.Body, want)
		}
	}
}
