package ginapierror

import (
	"bytes"
	"io"
	"net/http"
	"sync"

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
// engine in the program; call it at start-up, before serving. Calling it
// again with the same decoder changes nothing.
func UseValidation(d *validation.Decoder) {
	if d == nil {
		d = validation.Default()
	}
	useValidation.Lock()
	defer useValidation.Unlock()
	// Write only what changes, so that a second call with the same decoder
	// (a service built twice, in tests) does not race with gin reading them.
	if b := (jsonBinding{d}); binding.JSON != b {
		binding.JSON = b
	}
	if v := (structValidator{d}); binding.Validator != v {
		binding.Validator = v
	}
}

// useValidation serializes UseValidation's writes to gin's variables.
var useValidation sync.Mutex

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
