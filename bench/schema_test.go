package bench

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/apierror/apierror/errresp"
)

// These tests check the styles' schemas with a JSON Schema validator (huma's,
// which validates OpenAPI 3.1 schemas), not by comparing strings: they live
// in this module so the core module needs no validator.

// schemaOf loads s.Schema() into the validator's form.
func schemaOf(t *testing.T, s *errresp.Style) *huma.Schema {
	t.Helper()
	b, err := json.Marshal(s.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var sch huma.Schema
	if err := json.Unmarshal(b, &sch); err != nil {
		t.Fatalf("%s: schema does not load: %v", s.Name, err)
	}
	sch.PrecomputeMessages()
	return &sch
}

func validate(t *testing.T, sch *huma.Schema, body []byte) []error {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	reg := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	res := &huma.ValidateResult{}
	huma.Validate(reg, sch, huma.NewPathBuffer(make([]byte, 0, 64), 0), huma.ModeWriteToServer, v, res)
	return res.Errors
}

// declaredStyle is a style declared as data, as a service would.
var declaredStyle = errresp.NewStyle(errresp.Declaration{
	Name:    "bench-declared",
	Members: errresp.Members{Code: "error_code", Message: "error_message", Status: "http_status", Reason: "cause", RequestID: "trace_id", Fields: "violations", Info: "details"},
})

// A service's own code, declared once, is valid in every style's schema,
// as written by Write and read back by Decode; an undeclared code is not,
// so the schema's enum is checked, not just present.
func TestSchemaAcceptsDeclaredCodes(t *testing.T) {
	errresp.DeclareCodes(errresp.ServiceCode{Code: "VM_LOCKED", Kind: errresp.Conflict, Status: 423,
		Title: "The VM is locked by another operation.", Description: "Retry once the operation ends."})
	quota := errresp.NewProblem("", errresp.ProblemQuotaExceeded())
	styles := []*errresp.Style{errresp.Problem(), errresp.GPCN(), errresp.DevDocs(), errresp.Gcore(), errresp.AuthPI(), declaredStyle, quota}
	errresp.Register(declaredStyle)
	for _, s := range styles {
		name := s.Name
		if s == quota {
			name = "problem-quota-exceeded"
		}
		t.Run(name, func(t *testing.T) {
			sch := schemaOf(t, s)
			rec := httptest.NewRecorder()
			w, r := errresp.Begin(rec, httptest.NewRequest("GET", "/", nil))
			r = errresp.WithStyle(r, s)
			_, _ = errresp.Write(w, r, &errresp.Error{Code: "VM_LOCKED"})
			body := rec.Body.Bytes()
			if errs := validate(t, sch, body); len(errs) > 0 {
				t.Errorf("declared code rejected: %v: %s", errs[0], body)
			}
			e, err := errresp.Decode(rec.Result())
			if err != nil || e.Code != "VM_LOCKED" || e.Kind != errresp.Conflict {
				t.Errorf("decoded %+v %v", e, err)
			}
			for _, k := range errresp.Kinds() {
				b, _ := errresp.Render(s, errresp.New(k, "x").With("n", 1).With("policy", "daily"), "req-1")
				if errs := validate(t, sch, b); len(errs) > 0 {
					t.Errorf("%v rejected: %v: %s", k, errs[0], b)
				}
			}
			b, _ := errresp.Render(s, &errresp.Error{Kind: errresp.Conflict, Code: "NOT_DECLARED"}, "req-1")
			if errs := validate(t, sch, b); len(errs) == 0 {
				t.Errorf("an undeclared code passed the schema: %s", b)
			}
		})
	}
}
