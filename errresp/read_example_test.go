package errresp_test

import (
	"fmt"
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// Other APIs' error bodies read by the same reader: the message a person
// can act on, the code and status that were on the wire, the fields and
// the request id.
func ExampleDecodeRaw() {
	for _, r := range []struct {
		status int
		header http.Header
		body   string
	}{
		{500, http.Header{"Content-Type": {"application/json"}}, `{"error":"database connection lost"}`},
		{402, http.Header{"Content-Type": {"application/json"}, "Request-Id": {"req_8Kx2"}},
			`{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined."}}`},
		{422, http.Header{"Content-Type": {"application/problem+json"}},
			`{"title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected length >= 3","location":"body.name"}]}`},
		{400, http.Header{"Content-Type": {"application/json"}}, `{"error":"invalid_request","error_description":"name is required"}`},
	} {
		e := errresp.DecodeRaw(r.status, r.header, []byte(r.body))
		fmt.Printf("%d %s code=%q %q id=%q fields=%v\n", e.HTTPStatus, e.Kind, e.Code, e.Message, e.RequestID, e.Fields)
	}
	// Output:
	// 500 internal code="" "database connection lost" id="" fields=[]
	// 402 client_error code="card_declined" "Your card was declined." id="req_8Kx2" fields=[]
	// 422 unprocessable code="" "validation failed" id="" fields=[{name  body   expected length >= 3}]
	// 400 invalid_request code="invalid_request" "name is required" id="" fields=[]
}
