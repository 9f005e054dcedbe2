package validation_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/validation"
	"github.com/go-chi/chi/v5"
)

// CreateVM is the body of POST /v1/vms.
type CreateVM struct {
	Name    string `json:"name" validate:"required,min=3,max=63,vmname"`
	Size    int    `json:"size" validate:"required,min=1,max=64"`
	Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID string `json:"image_id" validate:"required,uuid"`
}

// VMPath holds the path parameter of /v1/vms/{id}.
type VMPath struct {
	ID string `path:"id" validate:"uuid"`
}

var vms = validation.New(
	validation.WithMaxBytes(64<<10),
	validation.WithRule("vmname", validation.Match(`[a-z0-9-]+`),
		"{field} may contain only lowercase letters, digits and hyphens."),
)

func createVM(w http.ResponseWriter, r *http.Request) {
	var req CreateVM
	if err := vms.Decode(r, &req); err != nil {
		errresp.Write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func post(h http.HandlerFunc, style *errresp.Style, body string) {
	r := httptest.NewRequest(http.MethodPost, "/v1/vms", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h(w, errresp.WithStyle(r, style))
	fmt.Print(w.Code, " ", w.Body.String())
}

// A handler decodes and validates its body in one call and hands any failure
// to errresp.Write, which lists each field where the style puts them.
func Example() {
	post(createVM, errresp.Gcore(), `{"name":"Web_1","size":65,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`)
	post(createVM, errresp.Problem(), `{"name":"web-1","size":4,"region":"mars","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","colour":"red"}`)
	post(createVM, errresp.GPCN(), `{"name":"web-1", "size":4,}`)
	post(createVM, errresp.GPCN(), `{"name":"web-1","size":4,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`)
	// Output:
	// 400 {"exception_class":"ValidationError","message":"2 fields are invalid: name, size.","request_id":"","invalid_fields":[{"field":"name","pointer":"/name","in":"body","rule":"vmname","message":"name may contain only lowercase letters, digits and hyphens."},{"field":"size","pointer":"/size","in":"body","rule":"max","param":"64","message":"size must be at most 64."}]}
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"2 fields are invalid: colour, region.","code":"invalid_request","errors":[{"field":"colour","pointer":"#/colour","in":"body","rule":"unknown","detail":"colour is not a known field; remove it or check its spelling."},{"field":"region","pointer":"#/region","in":"body","rule":"oneof","param":"eu-west us-east ap-south","detail":"region must be one of: eu-west, us-east, ap-south."}]}
	// 400 {"success":false,"error":"INVALID_REQUEST","message":"The request body is not valid JSON: unexpected '}' at line 1, column 27 (byte offset 26), expected a quoted member name.","column":27,"line":1,"offset":26}
	// 201
}

// Path and query parameters are decoded and validated the same way; with chi
// the path parameters come from its URL parameters, with http.ServeMux from
// the pattern's wildcards.
func ExampleParams() {
	rt := chi.NewRouter()
	rt.Get("/v1/vms/{id}", func(w http.ResponseWriter, r *http.Request) {
		var p VMPath
		if err := validation.Params(r, &p); err != nil {
			errresp.Write(w, r, err)
			return
		}
		fmt.Fprint(w, "vm ", p.ID)
	})
	for _, target := range []string{"/v1/vms/42", "/v1/vms/3f2504e0-4f89-41d3-9a0c-0305e82c3301"} {
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, errresp.WithStyle(httptest.NewRequest(http.MethodGet, target, nil), errresp.AuthPI()))
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 400 {"error":"invalid_request","error_description":"id must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000.","fields":[{"field":"id","in":"path","rule":"uuid","message":"id must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000."}]}
	// 200 vm 3f2504e0-4f89-41d3-9a0c-0305e82c3301
}

// Oversized bodies and other content types are refused before anything is
// decoded.
func ExampleDecoder_Decode() {
	small := validation.New(validation.WithMaxBytes(16))
	for _, ct := range []string{"application/json", "text/plain"} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name":"a long name"}`))
		r.Header.Set("Content-Type", ct)
		var v CreateVM
		body, status := errresp.Render(errresp.DevDocs(), small.Decode(r, &v), "req-1")
		fmt.Print(status, " ", string(body))
	}
	// Output:
	// 413 {"code":"TOOLARGE-413","title":"Payload Too Large","message":"The request body is larger than the limit of 16 bytes.","reason":"payload_too_large","request_id":"req-1","info":{"limit":16}}
	// 415 {"code":"MEDIATYPE-415","title":"Unsupported Media Type","message":"The Content-Type of the request is not supported; send the body as application/json or application/*+json.","reason":"unsupported_media_type","request_id":"req-1","info":{"accepted":["application/json","application/*+json"]}}
}
