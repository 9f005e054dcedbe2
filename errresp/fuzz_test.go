package errresp

import (
	"encoding/json"
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
