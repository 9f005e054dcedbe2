package gin

import (
	"bytes"
	"io"
	"net/http"

	"github.com/gin-gonic/gin/binding"

	"github.com/apierror/apierror/internal/bindfail"
	"github.com/apierror/apierror/validation"
)

// UseValidation makes gin's JSON binding (binding.JSON: c.ShouldBindJSON,
// c.BindJSON, c.ShouldBind of a JSON body) decode with d, the core's strict
// decoder, and gin's validator (binding.Validator, for every binding) check
// with d's validator/v10 rules and messages; nil means validation.Default().
// A failure is then the *errresp.Error validation.Decode returns (415, 413,
// or a 400 listing each bad field by its JSON path), and answered as it is
// when the handler passes it to c.Error or c.Bind aborts with it.
//
// gin keeps its bindings in package variables, so this holds for every gin
// engine in the program; call it once, at start-up, before serving.
func UseValidation(d *validation.Decoder) {
	if d == nil {
		d = validation.Default()
	}
	binding.JSON = jsonBinding{d}
	binding.Validator = structValidator{d}
}

// jsonBinding is gin's binding.BindingBody over a validation.Decoder.
type jsonBinding struct{ d *validation.Decoder }

func (jsonBinding) Name() string { return "json" }

func (b jsonBinding) Bind(r *http.Request, obj any) error { return b.d.Decode(r, obj) }

func (b jsonBinding) BindBody(body []byte, obj any) error {
	r := &http.Request{Method: http.MethodPost, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	return b.d.Decode(r, obj)
}

// structValidator is gin's binding.StructValidator over a
// validation.Decoder.
type structValidator struct{ d *validation.Decoder }

func (v structValidator) ValidateStruct(obj any) error { return bindfail.Validate(v.d, obj) }

func (structValidator) Engine() any { return validation.Validator() }
