package errresp

import (
	"net/http"
	"reflect"
	"testing"
)

// Bodies as other servers write them (their shapes, not their code), read
// by the one reader: the message a person can act on, the code, the fields
// and the request id that were on the wire.
func TestDecodeRawForeignShapes(t *testing.T) {
	t.Parallel()
	json := "application/json"
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   Error
	}{
		{"gin", 500, http.Header{"Content-Type": {json}}, `{"error":"database connection lost"}`,
			Error{Kind: Internal, Message: "database connection lost"}},
		{"gin with code", 400, nil, `{"error":"quantity must be positive","code":"bad_quantity"}`,
			Error{Kind: InvalidRequest, Message: "quantity must be positive", Code: "bad_quantity"}},
		{"echo", 429, http.Header{"Content-Type": {json}}, `{"message":"rate limit exceeded"}`,
			Error{Kind: RateLimited, Message: "rate limit exceeded"}},
		{"google", 429, http.Header{"Content-Type": {json}},
			`{"error":{"code":429,"message":"Quota exceeded for quota metric 'Queries'.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"page_size","description":"must be at most 100"}]}]}}`,
			Error{Kind: RateLimited, Message: "Quota exceeded for quota metric 'Queries'.", Code: "RESOURCE_EXHAUSTED",
				Fields: []FieldError{{Field: "page_size", Message: "must be at most 100"}}}},
		{"stripe", 402, http.Header{"Content-Type": {json}, "Request-Id": {"req_8Kx2"}},
			`{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined.","param":"card_number"}}`,
			Error{Kind: ClientError, Message: "Your card was declined.", Code: "card_declined", RequestID: "req_8Kx2",
				Fields: []FieldError{{Field: "card_number", Message: "Your card was declined."}}}},
		{"stripe without code", 400, nil, `{"error":{"type":"invalid_request_error","message":"No such customer: 'cus_1'"}}`,
			Error{Kind: InvalidRequest, Message: "No such customer: 'cus_1'", Code: "invalid_request_error"}},
		{"github", 422, http.Header{"Content-Type": {json}, "X-Github-Request-Id": {"CB1E:3F2A"}},
			`{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}`,
			Error{Kind: Unprocessable, Message: "Validation Failed", RequestID: "CB1E:3F2A",
				Fields: []FieldError{{Field: "title", Rule: "missing_field"}},
				Info:   map[string]any{"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"}}},
		{"huma", 422, http.Header{"Content-Type": {"application/problem+json"}},
			`{"$schema":"https://example.com/schemas/ErrorModel.json","title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected required property name to be present","location":"body.name","value":{}},{"message":"expected number >= 1","location":"query.limit","value":0}]}`,
			Error{Kind: Unprocessable, Message: "validation failed",
				Fields: []FieldError{{Field: "name", In: "body", Message: "expected required property name to be present"},
					{Field: "limit", In: "query", Message: "expected number >= 1"}},
				Info: map[string]any{"$schema": "https://example.com/schemas/ErrorModel.json"}}},
		{"rfc 9457 example", 400, http.Header{"Content-Type": {"application/problem+json"}},
			`{"type":"https://example.net/validation-error","title":"Your request is not valid.","status":400,"errors":[{"detail":"must be a positive integer","pointer":"#/age"}]}`,
			Error{Kind: InvalidRequest, Message: "Your request is not valid.",
				Fields: []FieldError{{Field: "age", Pointer: "/age", Message: "must be a positive integer"}}}},
		{"json:api", 422, http.Header{"Content-Type": {"application/vnd.api+json"}},
			`{"errors":[{"status":"422","code":"too_short","source":{"pointer":"/data/attributes/firstName"},"title":"Invalid Attribute","detail":"First name must contain at least two characters."}]}`,
			Error{Kind: Unprocessable, Message: "First name must contain at least two characters.", Code: "too_short",
				Fields: []FieldError{{Field: "data.attributes.firstName", Pointer: "/data/attributes/firstName", Rule: "too_short", Message: "First name must contain at least two characters."}}}},
		{"errors of strings", 400, nil, `{"errors":["name is required","age is too low"]}`,
			Error{Kind: InvalidRequest, Message: "name is required"}},
		{"errors with fields", 400, nil, `{"errors":[{"field":"items[0].qty","message":"must be positive"}],"request_id":"r-1"}`,
			Error{Kind: InvalidRequest, Message: "must be positive", RequestID: "r-1",
				Fields: []FieldError{{Field: "items[0].qty", Message: "must be positive"}}}},
		{"error beside errors", 400, nil, `{"error":"quantity must be positive","errors":[{"field":"quantity","message":"must be at least 1","code":"min"}]}`,
			Error{Kind: InvalidRequest, Message: "quantity must be positive",
				Fields: []FieldError{{Field: "quantity", Rule: "min", Message: "must be at least 1"}}}},
		{"nginx", 502, http.Header{"Content-Type": {"text/html"}},
			"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
			Error{Kind: BadGateway, Message: "Bad Gateway"}},
		{"http.Error", 404, http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "X-Request-Id": {"abc"}}, "item nope not found\n",
			Error{Kind: NotFound, Message: "item nope not found", RequestID: "abc"}},
		{"json sniffed as text", 400, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, `{"message":"bad"}`,
			Error{Kind: InvalidRequest, Message: "bad"}},
		{"labelled json, really text", 400, http.Header{"Content-Type": {json}}, "quantity must be positive",
			Error{Kind: InvalidRequest, Message: "quantity must be positive"}},
		{"cut off", 400, http.Header{"Content-Type": {json}}, `{"error":"quantity must`,
			Error{Kind: InvalidRequest, Message: "Bad Request"}},
		{"json in no shape", 409, nil, `{"ok":false}`, Error{Kind: Conflict, Message: "Conflict"}},
		{"authpi needs error_description", 400, nil, `{"error":"invalid_request"}`,
			Error{Kind: InvalidRequest, Message: "invalid_request"}},
		{"authpi", 400, nil, `{"error":"invalid_request","error_description":"bad name"}`,
			Error{Kind: InvalidRequest, Message: "bad name", Code: "invalid_request"}},
		{"header id wins", 404, http.Header{"X-Request-Id": {"hdr"}}, `{"message":"gone","request_id":"body"}`,
			Error{Kind: NotFound, Message: "gone", RequestID: "hdr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			got := DecodeRaw(tt.status, h, []byte(tt.body))
			want := tt.want
			want.HTTPStatus = tt.status
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("\n got %+v\nwant %+v", *got, want)
			}
		})
	}
}

// A declared code in a foreign body gives its kind.
func TestDecodeRawDeclaredForeignCode(t *testing.T) {
	withCatalogue(t, func() {
		DeclareCodes(vmLocked)
		got := DecodeRaw(423, http.Header{}, []byte(`{"error":{"code":"VM_LOCKED","message":"locked"}}`))
		if got.Kind != Conflict || got.Code != "VM_LOCKED" || got.Message != "locked" {
			t.Errorf("%+v", got)
		}
	})
}
