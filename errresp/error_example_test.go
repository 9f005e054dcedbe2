package errresp_test

import (
	"fmt"

	"github.com/apierror/apierror/errresp"
)

// The rule of Error's doc, case by case: what the service gave wins, else
// the style's own for the error's code.
func ExampleError() {
	errresp.DeclareCodes(errresp.ServiceCode{Code: "VM_LOCKED", Kind: errresp.Conflict, Status: 423,
		Title: "The VM is locked by another operation.", Description: "Retry once the operation ends."})
	show := func(s *errresp.Style, e *errresp.Error) {
		body, status := errresp.Render(s, e, "")
		d := errresp.DecodeBody(status, s.ContentType, body)
		fmt.Printf("%s %d %s %q\n", s.Name, status, d.Code, d.Message)
	}
	// The service's message, code and status win.
	show(errresp.GPCN(), errresp.New(errresp.CredentialInvalid, "Your key for region eu-1 was rotated."))
	show(errresp.GPCN(), &errresp.Error{Kind: errresp.Conflict, Code: "VM_BUSY", HTTPStatus: 423})
	// A declared code: its status and title.
	show(errresp.GPCN(), &errresp.Error{Code: "VM_LOCKED"})
	// No message: the style's page text for the kind (Gcore), else the
	// library's sentence for the kind, else the code's title.
	show(errresp.Gcore(), &errresp.Error{Kind: errresp.CredentialInvalid})
	show(errresp.GPCN(), &errresp.Error{Kind: errresp.CredentialInvalid})
	show(errresp.GPCN(), &errresp.Error{Kind: errresp.NotFound})
	// Output:
	// gpcn 401 API_KEY_INVALID "Your key for region eu-1 was rotated."
	// gpcn 423 VM_BUSY "Conflicts with the resource's current state"
	// gpcn 423 VM_LOCKED "The VM is locked by another operation."
	// gcore 401 token_not_valid "Token is invalid or expired"
	// gpcn 401 API_KEY_INVALID "The API key or token doesn't exist or has been revoked."
	// gpcn 404 NOT_FOUND "Resource or route not found"
}
