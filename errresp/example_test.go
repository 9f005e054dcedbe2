package errresp_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apierror/apierror/errresp"
)

// twoFields is a validation failure with two fields, as the validation package
// produces it.
var twoFields = errresp.NewInvalid("The request body failed validation.",
	errresp.FieldError{Field: "name", Pointer: "/name", In: "body", Rule: "min", Param: "3", Message: "name must be at least 3 characters long"},
	errresp.FieldError{Field: "image_id", Pointer: "/image_id", In: "body", Rule: "uuid", Message: "image_id must be a valid UUID"},
)

// rateLimited is a rate-limit failure, as the ratelimit package produces it.
func rateLimited() *errresp.Error {
	e := errresp.New(errresp.RateLimited, "Rate limit of 3 requests per minute exceeded.").
		With("limit", 3).With("remaining", 0).With("reset", 1795000000)
	e.RetryAfter = 20 * time.Second
	return e
}

func show(s *errresp.Style, err error) {
	rec := httptest.NewRecorder()
	w, r := errresp.Begin(rec, httptest.NewRequest("POST", "/v1/vms", nil))
	r = errresp.WithRequestID(r, "req_7f3a")
	r = errresp.WithStyle(r, s)
	_, _ = errresp.Write(w, r, err)
	if ra := rec.Header().Get("Retry-After"); ra != "" {
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"), "Retry-After:", ra)
	} else {
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	}
	fmt.Print(rec.Body.String())
}

// The whole path: a handler fails, Write answers in the request's style with
// its request id and reports the status, and a client decodes the envelope
// back into an *Error.
func Example() {
	getVM := func(w http.ResponseWriter, r *http.Request) {
		status, _ := errresp.Write(w, r, errresp.New(errresp.NotFound, "No virtual machine has that id."))
		fmt.Println("wrote", status)
	}

	rec := httptest.NewRecorder()
	w, r := errresp.Begin(rec, httptest.NewRequest("GET", "/v1/vms/42", nil))
	r = errresp.WithRequestID(r, "req_7f3a")
	r = errresp.WithStyle(r, errresp.GPCN())
	getVM(w, r)
	fmt.Println(rec.Header().Get("X-Request-ID"))
	fmt.Print(rec.Body.String())

	e, _ := errresp.Decode(rec.Result())
	fmt.Println(e.Kind, e.Message, e.RequestID)
	// Output:
	// wrote 404
	// req_7f3a
	// {"success":false,"error":"NOT_FOUND","message":"No virtual machine has that id.","requestId":"req_7f3a"}
	// not_found No virtual machine has that id. req_7f3a
}

func ExampleWrite() {
	handler := func(w http.ResponseWriter, r *http.Request) {
		// Any error may be written; its kind picks the status.
		errresp.Write(w, r, errresp.New(errresp.NotFound, "No virtual machine has that id."))
	}
	rec := httptest.NewRecorder()
	handler(rec, httptest.NewRequest("GET", "/v1/vms/42", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	// Output:
	// 404 application/problem+json
	// {"type":"about:blank","title":"Not Found","status":404,"detail":"No virtual machine has that id.","code":"not_found"}
}

func ExampleWrite_internal() {
	// The cause of an unknown error never reaches the client.
	show(errresp.Problem(), fmt.Errorf("listing vms: %w", errors.New("dial tcp 10.0.0.7:5432: connection refused")))
	// Output:
	// 500 application/problem+json
	// {"type":"about:blank","title":"Internal Server Error","status":500,"detail":"Internal Server Error","code":"internal","request_id":"req_7f3a"}
}

func Example_problem() {
	show(errresp.Problem(), twoFields)
	show(errresp.Problem(), rateLimited())
	// Output:
	// 400 application/problem+json
	// {"type":"about:blank","title":"Bad Request","status":400,"detail":"The request body failed validation.","code":"invalid_request","request_id":"req_7f3a","errors":[{"field":"name","pointer":"#/name","in":"body","rule":"min","param":"3","detail":"name must be at least 3 characters long"},{"field":"image_id","pointer":"#/image_id","in":"body","rule":"uuid","detail":"image_id must be a valid UUID"}]}
	// 429 application/problem+json Retry-After: 20
	// {"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Rate limit of 3 requests per minute exceeded.","code":"rate_limited","request_id":"req_7f3a","limit":3,"remaining":0,"reset":1795000000}
}

func Example_gpcn() {
	show(errresp.GPCN(), twoFields)
	show(errresp.GPCN(), rateLimited())
	show(errresp.GPCN(), errresp.New(errresp.TwoFactorRequired, "Two-factor verification is required.").With("totpConfigured", true))
	// Output:
	// 400 application/json
	// {"success":false,"error":"INVALID_REQUEST","message":"The request body failed validation.","requestId":"req_7f3a","fields":[{"field":"name","pointer":"/name","in":"body","rule":"min","param":"3","message":"name must be at least 3 characters long"},{"field":"image_id","pointer":"/image_id","in":"body","rule":"uuid","message":"image_id must be a valid UUID"}]}
	// 429 application/json Retry-After: 20
	// {"success":false,"error":"RATE_LIMIT_EXCEEDED","message":"Rate limit of 3 requests per minute exceeded.","requestId":"req_7f3a","limit":3,"remaining":0,"reset":1795000000}
	// 400 application/json
	// {"success":false,"error":"TWO_FACTOR_REQUIRED","message":"Two-factor verification is required.","requestId":"req_7f3a","totpConfigured":true}
}

func Example_devdocs() {
	show(errresp.DevDocs(), twoFields)
	show(errresp.DevDocs(), rateLimited())
	show(errresp.DevDocs(), errresp.New(errresp.SessionExpired, ""))
	// Output:
	// 400 application/json
	// {"code":"BADREQUEST-400","title":"Bad Request","message":"The request body failed validation.","reason":"invalid_request","request_id":"req_7f3a","errors":[{"field":"name","pointer":"/name","in":"body","rule":"min","param":"3","message":"name must be at least 3 characters long"},{"field":"image_id","pointer":"/image_id","in":"body","rule":"uuid","message":"image_id must be a valid UUID"}]}
	// 429 application/json Retry-After: 20
	// {"code":"TOOLIMITED-429","title":"Too Many Requests","message":"Rate limit of 3 requests per minute exceeded.","reason":"rate_limited","request_id":"req_7f3a","info":{"limit":3,"remaining":0,"reset":1795000000}}
	// 401 application/json
	// {"code":"AUTH-401","title":"Authentication Failed","message":"The session has expired. Sign in again.","reason":"session_expired","request_id":"req_7f3a"}
}

func Example_gcore() {
	show(errresp.Gcore(), twoFields)
	show(errresp.Gcore(), rateLimited())
	show(errresp.Gcore(), errresp.New(errresp.QuotaExceeded, "Quota exceeded for vms.").
		With("current_usage", 3).With("requested", 4).With("limit", 3))
	show(errresp.Gcore(), errresp.New(errresp.WrongAuthScheme, ""))
	// Output:
	// 400 application/json
	// {"exception_class":"ValidationError","message":"The request body failed validation.","request_id":"req_7f3a","invalid_fields":[{"field":"name","pointer":"/name","in":"body","rule":"min","param":"3","message":"name must be at least 3 characters long"},{"field":"image_id","pointer":"/image_id","in":"body","rule":"uuid","message":"image_id must be a valid UUID"}]}
	// 429 application/json Retry-After: 20
	// {"exception_class":"RateLimitExceeded","message":"Rate limit of 3 requests per minute exceeded.","request_id":"req_7f3a","info":{"limit":3,"remaining":0,"reset":1795000000}}
	// 403 application/json
	// {"exception_class":"QuotaLimitExceed","message":"Quota exceeded for vms.","request_id":"req_7f3a","info":{"current_usage":3,"limit":3,"requested":4}}
	// 401 application/json
	// {"exception_class":"token_not_valid","message":"Given token not valid for any token type","request_id":"req_7f3a","info":{"reason":"wrong_auth_scheme"}}
}

func Example_authpi() {
	show(errresp.AuthPI(), twoFields)
	show(errresp.AuthPI(), rateLimited())
	// Output:
	// 400 application/json
	// {"error":"invalid_request","error_description":"The request body failed validation.","request_id":"req_7f3a","fields":[{"field":"name","pointer":"/name","in":"body","rule":"min","param":"3","message":"name must be at least 3 characters long"},{"field":"image_id","pointer":"/image_id","in":"body","rule":"uuid","message":"image_id must be a valid UUID"}]}
	// 429 application/json Retry-After: 20
	// {"error":"usage_limit_exceeded","error_description":"Rate limit of 3 requests per minute exceeded.","request_id":"req_7f3a","limit":3,"remaining":0,"reset":1795000000}
}

// A service defines its own style in a few lines: a name, the codes it wants
// to differ from the defaults, and an encoder.
func ExampleStyle() {
	acme := &errresp.Style{
		Name:        "acme",
		ContentType: "application/vnd.acme.error+json",
		Codes: map[errresp.Kind]errresp.Code{
			errresp.RateLimited: {Code: "SLOW_DOWN", Status: 429, Title: "Slow down"},
		},
		Encode: func(o *errresp.Object, env *errresp.Envelope) {
			in := o.Open("fault")
			in.String("id", env.Code)
			in.String("text", env.Message)
			in.StringIf("trace", env.RequestID)
			in.Fields("fields", env.Fields, errresp.FieldNames{Field: "path", Message: "text"})
			o.Close(in)
		},
	}
	show(acme, rateLimited())
	show(acme, twoFields)
	// Output:
	// 429 application/vnd.acme.error+json Retry-After: 20
	// {"fault":{"id":"SLOW_DOWN","text":"Rate limit of 3 requests per minute exceeded.","trace":"req_7f3a"}}
	// 400 application/vnd.acme.error+json
	// {"fault":{"id":"invalid_request","text":"The request body failed validation.","trace":"req_7f3a","fields":[{"path":"name","text":"name must be at least 3 characters long"},{"path":"image_id","text":"image_id must be a valid UUID"}]}}
}

func ExampleDecode() {
	// A client turns any style's error response back into an *Error.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = errresp.Write(w, errresp.WithStyle(r, errresp.Gcore()), rateLimited())
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		panic(err)
	}
	e, err := errresp.Decode(resp)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Kind, e.Kind.Retryable(), e.RetryAfter, e.Info["limit"])
	// Output:
	// rate_limited true 20s 3
}

func ExampleError_With() {
	err := errresp.New(errresp.TwoFactorRequired, "Two-factor verification is required.").
		With("totpConfigured", true)
	body, status := errresp.Render(errresp.GPCN(), err, "")
	fmt.Println(status, string(body))
	// Output:
	// 400 {"success":false,"error":"TWO_FACTOR_REQUIRED","message":"Two-factor verification is required.","totpConfigured":true}
}

// A style declared as data: Write encodes it, Decode reads it back once it
// is registered (and so does the client package), Schema describes it.
func ExampleNewStyle() {
	acme := errresp.NewStyle(errresp.Declaration{
		Name:        "acme-example",
		ContentType: "application/vnd.acme.error+json",
		Codes: map[errresp.Kind]errresp.Code{
			errresp.RateLimited: {Code: "SLOW_DOWN", Status: 429, Title: "Slow down"},
		},
		Members: errresp.Members{Code: "fault_id", Message: "fault_text", RequestID: "trace", Fields: "fields", Info: "details"},
	})
	errresp.Register(acme)
	body, status := errresp.Render(acme, rateLimited(), "req_7f3a")
	fmt.Print(status, " ", string(body))
	e := errresp.DecodeBody(status, acme.ContentType, body)
	fmt.Println(e.Kind, e.Message, e.RequestID, e.Info["limit"])
	// Output:
	// 429 {"fault_id":"SLOW_DOWN","fault_text":"Rate limit of 3 requests per minute exceeded.","trace":"req_7f3a","details":{"limit":3,"remaining":0,"reset":1795000000}}
	// rate_limited Rate limit of 3 requests per minute exceeded. req_7f3a 3
}

// A service declares its own codes once; every style writes them with the
// declared status, and its reference and schema list them.
func ExampleDeclareCodes() {
	errresp.DeclareCodes(errresp.ServiceCode{Code: "VM_LOCKED", Kind: errresp.Conflict, Status: 423,
		Title: "The VM is locked by another operation.", Description: "Retry once the operation ends."})
	body, status := errresp.Render(errresp.GPCN(), &errresp.Error{Code: "VM_LOCKED"}, "")
	fmt.Print(status, " ", string(body))
	ref := errresp.GPCN().Reference()
	last := ref[len(ref)-1]
	fmt.Println(last.Code, last.Kind, last.Status)
	// Output:
	// 423 {"success":false,"error":"VM_LOCKED","message":"The VM is locked by another operation."}
	// VM_LOCKED conflict 423
}

// A field error on the wire: the Problem style sends the pointer as a URI
// fragment and the message as "detail"; Decode reads it back as it was.
func ExampleFieldError() {
	fe := errresp.FieldError{Field: "items[0].name", Pointer: "/items/0/name", In: "body", Rule: "min", Param: "3",
		Message: "items[0].name must be at least 3 characters long."}
	w := httptest.NewRecorder()
	r := errresp.WithStyle(httptest.NewRequest("POST", "/orders", nil), errresp.Problem())
	_, _ = errresp.Write(w, r, errresp.NewInvalid(fe.Message, fe))
	resp := w.Result()
	body := w.Body.String()
	e, err := errresp.Decode(resp)
	if err != nil {
		panic(err)
	}
	fmt.Print(body[strings.Index(body, `"errors"`):])
	fmt.Println(e.Fields[0] == fe)
	// Output:
	// "errors":[{"field":"items[0].name","pointer":"#/items/0/name","in":"body","rule":"min","param":"3","detail":"items[0].name must be at least 3 characters long."}]}
	// true
}
