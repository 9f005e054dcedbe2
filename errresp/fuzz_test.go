package errresp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"
)

// FuzzWrite: whatever bytes a message, field or info key holds, every style
// writes valid JSON that Decode reads back to the same kind and text.
func FuzzWrite(f *testing.F) {
	f.Add("name must be set", "items[0].name", "limit", "req-1", uint8(1))
	f.Add("\xff\xfe</script>\u2028", "\x00\"\\", "error", "\r\n", uint8(22))
	f.Add("", "", "", "", uint8(0))
	f.Fuzz(func(t *testing.T, msg, field, key, id string, kind uint8) {
		k := Kind(kind % uint8(kindEnd))
		e := &Error{Kind: k, Message: msg, Fields: []FieldError{{Field: field, Pointer: "/" + field, Rule: msg, Message: msg}}}
		e.With(key, msg)
		for _, s := range Styles() {
			rec := httptest.NewRecorder()
			w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
			r = WithStyle(WithRequestID(r, id), s)
			if _, err := Write(w, r, e); err != nil {
				t.Fatal(err)
			}
			body := rec.Body.Bytes()
			if !json.Valid(body) {
				t.Fatalf("%s: invalid JSON: %q", s.Name, body)
			}
			got, err := Decode(rec.Result())
			if err != nil {
				t.Fatal(err)
			}
			want := e.kindOrInternal()
			if got.Kind != want {
				t.Fatalf("%s: decoded kind %s, want %s: %s", s.Name, got.Kind, want, body)
			}
			if msg != "" && got.Message != string([]rune(msg)) {
				t.Fatalf("%s: message %q, want %q", s.Name, got.Message, msg)
			}
			if len(got.Fields) != 1 || (utf8.ValidString(field) && got.Fields[0].Field != field) {
				t.Fatalf("%s: fields %+v", s.Name, got.Fields)
			}
		}
	})
}

// FuzzDecode: Decode never panics, whatever the body, content type or status,
// and always names a kind.
func FuzzDecode(f *testing.F) {
	for _, s := range Styles() {
		body, status := Render(s, sampleError, "id")
		f.Add(body, s.ContentType, status)
	}
	f.Add([]byte(`{"success":false,"error":7}`), "application/json", 400)
	f.Add([]byte(`{"status":"x","title":1,"errors":[1,{"detail":2}]}`), "application/problem+json", 999)
	f.Add([]byte(`{"exception_class":"token_not_valid","info":{"reason":5}}`), "application/json;;", 401)
	f.Add([]byte("null"), "", -1)
	f.Fuzz(func(t *testing.T, body []byte, ct string, status int) {
		e := DecodeBody(status, ct, body)
		if e == nil {
			t.Fatal("nil error")
		}
		if status >= 400 && status < 600 && e.Kind == Unknown {
			t.Fatalf("no kind for status %d body %q", status, body)
		}
	})
}

// FuzzDecodeRaw: the one reader of error bodies never panics, whatever the
// body, header or status, always names a kind for an error status, and
// never returns a message or code it did not find (an empty message is
// never returned for an error status).
func FuzzDecodeRaw(f *testing.F) {
	seeds := []string{
		`{"error":"database connection lost"}`,
		`{"message":"rate limit exceeded","code":1001}`,
		`{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"fieldViolations":[{"field":"a","description":"b"}]}]}}`,
		`{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined.","param":"card"}}`,
		`{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://x"}`,
		`{"title":"Unprocessable Entity","status":422,"errors":[{"message":"m","location":"body.items[0].name"}]}`,
		`{"errors":[{"status":"422","source":{"pointer":"/data/attributes/a~1b/0"},"detail":"d"},{"source":{"parameter":"q"}}]}`,
		`{"errors":["x",1,null,{"path":["a",1]}]}`,
		`{"error":"quantity must`,
		"<html><h1>502 Bad Gateway</h1></html>",
	}
	for i, s := range seeds {
		f.Add([]byte(s), []string{"application/json", "", "text/plain", "application/problem+json"}[i%4], 400+i*13)
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string, status int) {
		h := http.Header{"Content-Type": {ct}, "Request-Id": {"r"}}
		e := DecodeRaw(status, h, body)
		if e == nil {
			t.Fatal("nil error")
		}
		if status >= 400 && status < 600 {
			if e.Kind == Unknown || e.HTTPStatus != status || e.Message == "" {
				t.Fatalf("status %d body %q: %+v", status, body, e)
			}
		}
		if e.RequestID != "r" {
			t.Fatalf("request id %q", e.RequestID)
		}
		for _, fe := range e.Fields {
			if fe.Field == "" {
				t.Fatalf("field error without a field: %+v", e.Fields)
			}
		}
		if len(e.Fields) > maxForeignFields+maxForeignFields {
			t.Fatalf("%d fields", len(e.Fields))
		}
	})
}

// FuzzReferenceFormat: whatever the Accept header, the reference handler
// answers 200 with one of its three forms, the HTML one under its policy,
// or 304 when the client has it.
func FuzzReferenceFormat(f *testing.F) {
	f.Add("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "")
	f.Add("application/json;q=0.5, text/html;q=0.4", "")
	f.Add("text/markdown;q=NaN, text/html;q=-1, ,;;=,q=1e309", `"x"`)
	f.Add("\x00;q=\xff", "*")
	f.Fuzz(func(t *testing.T, accept, ifNoneMatch string) {
		r := httptest.NewRequest("GET", "/errors", nil)
		r.Header.Set("Accept", accept)
		r.Header.Set("If-None-Match", ifNoneMatch)
		rec := httptest.NewRecorder()
		GPCN().ReferenceHandler().ServeHTTP(rec, r)
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code == 304:
			if rec.Body.Len() != 0 {
				t.Fatalf("304 with a body")
			}
		case rec.Code != 200:
			t.Fatalf("status %d", rec.Code)
		case ct == "text/html; charset=utf-8":
			if rec.Header().Get("Content-Security-Policy") != referenceCSP {
				t.Fatal("HTML without its policy")
			}
		case ct != "application/json" && ct != "text/markdown; charset=utf-8":
			t.Fatalf("Content-Type %q", ct)
		}
	})
}
