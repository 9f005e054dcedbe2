package errresp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestKindForStatus(t *testing.T) {
	t.Parallel()
	for status := 400; status <= 599; status++ {
		k := KindForStatus(status)
		if k == Unknown {
			t.Errorf("%d has no kind", status)
		}
		if (status < 500) != (k.Status() < 500) {
			t.Errorf("%d maps to %s, whose status %d is of another class", status, k, k.Status())
		}
	}
	for _, status := range []int{0, 200, 399, 600, -1} {
		if k := KindForStatus(status); k != Unknown {
			t.Errorf("%d maps to %s", status, k)
		}
	}
	// Each kind's own status maps back to it, where no older kind has it.
	for _, k := range []Kind{Gone, Unprocessable, BadGateway, NotImplemented, HTTPVersionNotSupported, NotAcceptable,
		URITooLong, HeaderTooLarge, RequestTimeout, LengthRequired, RangeNotSatisfiable, NotFound, Conflict, Timeout} {
		if got := KindForStatus(k.Status()); got != k {
			t.Errorf("KindForStatus(%d) = %s, want %s", k.Status(), got, k)
		}
	}
}

// An error with a status of its own is written with it in every style and
// decoded back with it.
func TestOwnStatus(t *testing.T) {
	t.Parallel()
	for _, s := range Styles()[:5] {
		e := &Error{Kind: ClientError, HTTPStatus: 418, Message: "short and stout"}
		rec := httptest.NewRecorder()
		w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
		r = WithStyle(WithRequestID(r, "id-1"), s)
		if _, err := Write(w, r, e); err != nil {
			t.Fatal(err)
		}
		if rec.Code != 418 || e.Status(s) != 418 {
			t.Errorf("%s: status %d", s.Name, rec.Code)
		}
		got, err := Decode(rec.Result())
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != ClientError || got.HTTPStatus != 418 || got.Message != e.Message || got.Code == "" || !strings.Contains(rec.Body.String(), `"`+got.Code+`"`) {
			t.Errorf("%s: decoded %+v from %s", s.Name, got, rec.Body)
		}
	}
	body, _ := Render(Problem(), &Error{Kind: ClientError, HTTPStatus: 418}, "")
	if !strings.Contains(string(body), `"title":"I'm a teapot","status":418,"detail":"I'm a teapot"`) {
		t.Errorf("problem: %s", body)
	}
	body, _ = Render(DevDocs(), &Error{Kind: ClientError, HTTPStatus: 451}, "")
	if !strings.HasPrefix(string(body), `{"code":"CLIENT-451"`) {
		t.Errorf("devdocs: %s", body)
	}
	// A status outside 400 to 599 is ignored.
	if s := (&Error{Kind: NotFound, HTTPStatus: 200}).Status(nil); s != 404 {
		t.Errorf("HTTPStatus 200 gave %d", s)
	}
}

func TestForeignMessage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 150) // 300 bytes
	for _, tt := range []struct{ ct, body, want string }{
		{"text/plain; charset=utf-8", "name taken\n", "name taken"},
		{"", "  first line  \r\nsecond", "first line"},
		{"text/plain", "a <b>bold</b> claim", "a bold claim"},
		{"text/plain", "tab\tand\x00nul\x1b[31m and \u202eevil", "tab andnul[31m and evil"},
		{"text/plain", "bad \xff\xfe bytes", "bad bytes"},
		{"text/plain", "unclosed <tag and more", "unclosed"},
		{"text/html", "not found", ""},
		{"", "<!DOCTYPE html><html>x</html>", ""},
		{"TEXT/HTML;charset=x", "x", ""},
		{"", "", ""},
		{"text/plain", long, strings.Repeat("é", 100)},
	} {
		if got := foreignMessage(tt.ct, []byte(tt.body)); got != tt.want {
			t.Errorf("foreignMessage(%q, %q) = %q, want %q", tt.ct, tt.body, got, tt.want)
		}
	}
}

func TestDecodePlainText(t *testing.T) {
	t.Parallel()
	e := DecodeBody(419, "text/plain", []byte("Page expired.\nreload"))
	if e.Kind != ClientError || e.Message != "Page expired." || e.HTTPStatus != 419 {
		t.Errorf("419: %+v", e)
	}
	e = DecodeBody(520, "", nil)
	if e.Kind != Internal || e.HTTPStatus != 520 || e.Message != Internal.Summary() {
		t.Errorf("520: %+v", e)
	}
	e = DecodeBody(502, "text/html", []byte("<html><body>bad gateway</body></html>"))
	if e.Kind != BadGateway || e.Message != "Bad Gateway" || e.HTTPStatus != 502 {
		t.Errorf("502: %+v", e)
	}
	e = DecodeBody(404, "application/json", []byte(`{"unknown":"shape"}`))
	if e.Kind != NotFound || e.Message != "Not Found" {
		t.Errorf("json in no style: %+v", e)
	}
}

func TestIsJSONMediaType(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]bool{
		"application/json": true, "Application/JSON; charset=utf-8": true, "application/problem+json": true,
		"application/vnd.api+JSON": true, " application/json ": true,
		"text/plain": false, "text/html": false, "": false, "application/jsonp": false, "application/+json": false,
		"application/": false, "json": false, "text/json": false, "application/x-ndjson": false,
	} {
		if got := isJSONMediaType(ct); got != want {
			t.Errorf("isJSONMediaType(%q) = %v", ct, got)
		}
	}
}

// FuzzIntercept: whatever status, Content-Type, body chunks and flush
// points a handler produces, the client gets either the handler's own
// response untouched (a success, interception off, JSON with JSON's
// interception off, or a whole body in the request's style) or exactly one
// valid envelope with the handler's status, never a mix.
func FuzzIntercept(f *testing.F) {
	f.Add(uint16(404), "text/plain; charset=utf-8", []byte("not found\n"), uint8(0), false, false)
	f.Add(uint16(500), "", []byte("pq: secret|more|and more"), uint8(2), true, false)
	f.Add(uint16(422), "application/json", []byte(`{"own":1}`), uint8(1), false, true)
	f.Add(uint16(422), "application/json", []byte(`{"error":"quantity must|be positive"}`), uint8(0), false, false)
	f.Add(uint16(500), "application/json", []byte(`{"error":"pq: secret"}`), uint8(0), false, false)
	f.Add(uint16(400), "", []byte(`{"success":false,"error":"INVALID_REQUEST",|"message":"own"}`), uint8(0), false, false)
	f.Add(uint16(429), "application/problem+json", []byte(`{"title":"x","status":429,"errors":[{"location":"body.a","message":"m"}]}`), uint8(0), false, false)
	f.Add(uint16(200), "text/plain", []byte("ok|stream"), uint8(1), false, false)
	f.Add(uint16(0), "", []byte("implicit 200"), uint8(0), false, false)
	f.Add(uint16(503), "text/html", bytes.Repeat([]byte("<p>down</p>|"), 200), uint8(7), true, false)
	f.Add(uint16(302), "text/html", []byte("<a href=/x>Found</a>"), uint8(0), false, false)
	f.Fuzz(func(t *testing.T, status uint16, ct string, body []byte, flushes uint8, optOut, jsonOff bool) {
		code := int(status)
		if code != 0 && (code < 200 || code > 999) {
			return // 1xx and invalid codes: net/http's own rules
		}
		chunks := bytes.Split(body, []byte("|"))
		run := func(w http.ResponseWriter) {
			if ct != "" {
				w.Header()["Content-Type"] = []string{ct}
			}
			w.Header().Set("X-Own", "kept")
			if code != 0 {
				w.WriteHeader(code)
			}
			for i, c := range chunks {
				w.Write(c)
				if flushes&(1<<(i%8)) != 0 {
					http.NewResponseController(w).Flush()
				}
			}
		}
		bare := httptest.NewRecorder()
		run(bare)

		rec := httptest.NewRecorder()
		w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
		r = WithStyle(WithRequestID(r, "fz"), GPCN())
		if optOut {
			r = WithIntercept(r, false)
		}
		if jsonOff {
			r = WithInterceptJSON(r, false)
		}
		run(w)
		caught := Finish(w, r)

		intercepted := code >= 400 && code <= 599 && !optOut && !(jsonOff && isJSONMediaType(ct))
		if intercepted && caught == nil {
			// Only a whole body in the request's style passes.
			if rb := readBody(code, ct, bare.Body.Bytes(), GPCN()); rb.shape != shapeStyle || rb.style != GPCN() {
				t.Fatalf("passed a body not in the style: %q", bare.Body)
			}
			intercepted = false
		}
		if !intercepted {
			if caught != nil || rec.Code != bare.Code || !bytes.Equal(rec.Body.Bytes(), bare.Body.Bytes()) ||
				rec.Header().Get("Content-Type") != bare.Header().Get("Content-Type") {
				t.Fatalf("changed: %d %q %q, want %d %q", rec.Code, rec.Body, rec.Header(), bare.Code, bare.Body)
			}
			return
		}
		if caught == nil || caught.HTTPStatus != code || code >= 500 && caught.Kind != KindForStatus(code) {
			t.Fatalf("Finish returned %+v", caught)
		}
		// A 4xx keeps the handler's own header; a 5xx drops it (headers_5xx.go).
		if wantOwn := map[bool]string{true: "kept"}[code < 500]; rec.Code != code || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("X-Own") != wantOwn {
			t.Fatalf("status %d, header %q", rec.Code, rec.Header())
		}
		var env map[string]any
		d := json.NewDecoder(rec.Body)
		if err := d.Decode(&env); err != nil || d.More() {
			t.Fatalf("not exactly one envelope: %q (%v)", rec.Body, err)
		}
		if wantCode := cmp.Or(caught.Code, GPCN().Code(caught.Kind).Code); env["error"] != wantCode || env["requestId"] != "fz" {
			t.Fatalf("envelope %v", env)
		}
		if code >= 500 && len(body) > 0 && strings.Contains(rec.Body.String(), string(body)) {
			t.Fatalf("a 5xx's text reached the client: %q", rec.Body)
		}
	})
}
