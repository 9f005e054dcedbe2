package echoapierror

import (
	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/internal/bindfail"
	"github.com/apierror/apierror/validation"
)

// UseValidation makes e's JSON binding (e.JSONSerializer's Deserialize:
// c.Bind of a JSON body) decode and validate with d, the core's strict
// decoder, and e's validator (e.Validator: c.Validate) check with d's
// validator/v10 rules and messages; nil means validation.Default(). A
// failure is then the *errresp.Error validation.Decode returns (413, or a
// 400 listing each bad field by its JSON path), answered as it is by
// HTTPErrorHandler. Responses are still encoded by
// echo.DefaultJSONSerializer.
func UseValidation(e *echo.Echo, d *validation.Decoder) {
	if e == nil {
		panic("apierror/echo: UseValidation needs an echo")
	}
	if d == nil {
		d = validation.Default()
	}
	e.JSONSerializer = serializer{d: d}
	e.Validator = structValidator{d}
}

// serializer is an echo.JSONSerializer that decodes with a
// validation.Decoder.
type serializer struct {
	echo.DefaultJSONSerializer
	d *validation.Decoder
}

func (s serializer) Deserialize(c *echo.Context, target any) error {
	return s.d.Decode(c.Request(), target)
}

// structValidator is an echo.Validator over a validation.Decoder.
type structValidator struct{ d *validation.Decoder }

func (v structValidator) Validate(i any) error { return bindfail.Validate(v.d, i) }
