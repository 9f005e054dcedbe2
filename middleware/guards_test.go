package middleware

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// mwBodyRequest returns a request with body; length -1 sends it chunked.
func mwBodyRequest(method, contentType, body string, length int64) *http.Request {
	r := httptest.NewRequest(method, "/", strings.NewReader(body))
	r.ContentLength = length
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func TestContentType(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ct     string
		body   string
		length int64
		pass   bool
	}{
		{"json", "application/json", "{}", 2, true},
		{"json charset", "application/json; charset=utf-8", "{}", 2, true},
		{"case", "Application/JSON", "{}", 2, true},
		{"wildcard subtype", "text/csv", "a,b", 3, true},
		{"wrong", "application/xml", "<a/>", 4, false},
		{"form", "application/x-www-form-urlencoded", "a=b", 3, false},
		{"missing", "", "{}", 2, false},
		{"malformed", "json", "{}", 2, false},
		{"garbage", "\xff/\x00", "{}", 2, false},
		{"chunked body", "application/xml", "<a/>", -1, false},
		{"no body any type", "application/xml", "", 0, true},
		{"suffix lookalike", "application/jsonx", "{}", 2, false},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				h := mwChain(mwOkHandler, Style(s), ContentType("application/json", "text/*"))
				rec := mwServe(h, mwBodyRequest("POST", tc.ct, tc.body, tc.length))
				if tc.pass {
					if rec.Code != 200 {
						t.Fatalf("rejected: %d %s", rec.Code, rec.Body)
					}
					return
				}
				e := mwEnvelope(t, rec, s, s.Code(errresp.UnsupportedMediaType).Status)
				if e.Kind != errresp.UnsupportedMediaType || !strings.Contains(e.Message, "application/json, text/*") {
					t.Fatalf("decoded %+v", e)
				}
				if got := rec.Header().Get("Accept"); got != "application/json, text/*" {
					t.Fatalf("Accept = %q", got)
				}
			})
		}
	}
	for name, types := range map[string][]string{"none": nil, "no slash": {"json"}, "star type": {"*/json"}, "space": {"a b/c"}} {
		t.Run("panics/"+name, func(t *testing.T) {
			t.Parallel()
			mwAssertPanics(t, func() { ContentType(types...) })
		})
	}
}

func FuzzContentType(f *testing.F) {
	for _, s := range []string{"application/json", "text/plain; charset=\"a;b\"", "a/b/c", "", ";", "/"} {
		f.Add(s)
	}
	h := ContentType("application/json")(mwOkHandler)
	f.Fuzz(func(t *testing.T, ct string) {
		r := mwBodyRequest("POST", "", "{}", 2)
		r.Header["Content-Type"] = []string{ct}
		rec := mwServe(h, r)
		if rec.Code != 200 && rec.Code != 415 {
			t.Fatalf("status %d for %q", rec.Code, ct)
		}
	})
}

func TestLimitBody(t *testing.T) {
	t.Parallel()
	readAll := Handler(func(w http.ResponseWriter, r *http.Request) error {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		w.Write(b)
		return nil
	})
	cases := []struct {
		name   string
		body   string
		length int64
		pass   bool
	}{
		{"under", "12345", 5, true},
		{"exactly", "1234567890", 10, true},
		{"declared over", "12345678901", 11, false},
		{"chunked under", "12345", -1, true},
		{"chunked over", strings.Repeat("x", 100), -1, false},
		{"empty", "", 0, true},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				h := mwChain(readAll, Style(s), LimitBody(10))
				rec := mwServe(h, mwBodyRequest("POST", "application/json", tc.body, tc.length))
				if tc.pass {
					if rec.Code != 200 {
						t.Fatalf("rejected: %d %s", rec.Code, rec.Body)
					}
					return
				}
				e := mwEnvelope(t, rec, s, s.Code(errresp.PayloadTooLarge).Status)
				if e.Kind != errresp.PayloadTooLarge || !strings.Contains(e.Message, "10 bytes") {
					t.Fatalf("decoded %+v", e)
				}
			})
		}
	}
	mwAssertPanics(t, func() { LimitBody(0) })
}
