package errresp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// sampleFor builds an error of kind k with everything a style can carry.
func sampleFor(k Kind) *Error {
	e := &Error{Kind: k, Message: "message for " + k.String()}
	switch k {
	case InvalidRequest:
		e.Fields = []FieldError{
			{Field: "items[0].name", Pointer: "/items/0/name", In: "body", Rule: "min", Param: "3", Message: "items[0].name must be at least 3 characters long"},
			{Field: "id", In: "path", Rule: "uuid", Message: "id must be a valid UUID"},
		}
	case TwoFactorRequired:
		e.With("totpConfigured", true)
	case RateLimited:
		e.RetryAfter = 7 * time.Second
		e.With("limit", 60).With("remaining", 0).With("reset", 1700000000)
	case QuotaExceeded:
		e.With("current_usage", 3).With("requested", 4).With("limit", 3)
	}
	return e
}

// Every kind in every style, written then decoded, gives back the same kind,
// message, fields, info, request id and Retry-After.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range Styles() {
		for _, k := range Kinds() {
			t.Run(s.Name+"/"+k.String(), func(t *testing.T) {
				t.Parallel()
				want := sampleFor(k)
				rec := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/x", nil)
				w, r := Begin(rec, r)
				r = WithRequestID(r, "req-"+k.String())
				r = WithStyle(r, s)
				if _, err := Write(w, r, want); err != nil {
					t.Fatal(err)
				}
				resp := rec.Result()
				if resp.StatusCode != s.Code(k).Status {
					t.Errorf("status %d, want %d", resp.StatusCode, s.Code(k).Status)
				}
				body := rec.Body.Bytes()
				if !json.Valid(body) {
					t.Fatalf("invalid JSON: %s", body)
				}
				got, err := Decode(resp)
				if err != nil {
					t.Fatal(err)
				}
				if got.Kind != k || got.Message != want.Message || got.RequestID != "req-"+k.String() {
					t.Errorf("decoded kind %s message %q id %q; body %s", got.Kind, got.Message, got.RequestID, body)
				}
				if got.Code != s.Code(k).Code || got.HTTPStatus != resp.StatusCode {
					t.Errorf("wire code %q status %d, want %q %d", got.Code, got.HTTPStatus, s.Code(k).Code, resp.StatusCode)
				}
				if !reflect.DeepEqual(got.Fields, want.Fields) && (len(got.Fields) > 0 || len(want.Fields) > 0) {
					t.Errorf("fields:\n got %+v\nwant %+v", got.Fields, want.Fields)
				}
				if !sameInfo(got.Info, want.Info) {
					t.Errorf("info: got %v, want %v", got.Info, want.Info)
				}
				if got.RetryAfter != want.RetryAfter {
					t.Errorf("retry-after %v, want %v", got.RetryAfter, want.RetryAfter)
				}
			})
		}
	}
}

func sameInfo(got, want map[string]any) bool {
	if len(got) != len(want) {
		return false
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	var x, y any
	_ = json.Unmarshal(a, &x)
	_ = json.Unmarshal(b, &y)
	return reflect.DeepEqual(x, y)
}

func TestDecodeForeignBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		ct     string
		body   string
		kind   Kind
	}{
		{404, "text/html", "<html>not found</html>", NotFound},
		{502, "", "", BadGateway},
		{500, "", "", Internal},
		{520, "text/plain", "origin error", Internal},
		{419, "text/plain", "page expired", ClientError},
		{499, "", "", Canceled},
		{410, "", "", Gone},
		{422, "", "", Unprocessable},
		{429, "application/json", `{"foo":1}`, RateLimited},
		{400, "application/json", `[1,2]`, InvalidRequest},
		{403, "application/problem+json", `{"type":"https://x/y","title":"Nope","status":403}`, PermissionDenied},
		{401, "application/json", `{"success":false,"error":"SOMETHING_NEW","message":"m"}`, NotAuthenticated},
		{409, "application/json", `{"error":"made_up","error_description":"d"}`, Conflict},
	}
	for _, tt := range tests {
		e := DecodeBody(tt.status, tt.ct, []byte(tt.body))
		if e.Kind != tt.kind {
			t.Errorf("%d %s: kind %s, want %s", tt.status, tt.body, e.Kind, tt.kind)
		}
	}
	if _, err := Decode(&http.Response{StatusCode: 200, Body: http.NoBody}); err == nil {
		t.Error("Decode of a 200 succeeded")
	}
	if _, err := Decode(nil); err == nil {
		t.Error("Decode(nil) succeeded")
	}
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}, Body: http.NoBody}
	e, err := Decode(resp)
	if err != nil || e.RetryAfter < 59*time.Minute || e.Kind != Unavailable {
		t.Errorf("HTTP-date Retry-After: %v %v %s", err, e.RetryAfter, e.Kind)
	}
}
