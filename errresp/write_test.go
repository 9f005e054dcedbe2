package errresp

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestWriteHeaders(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Length", "999")
	rec.Header().Set("Content-Type", "text/html")
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	r = WithRequestID(r, "abc123")
	e := New(NotAuthenticated, "no credentials").WithHeader("www-authenticate", `Bearer realm="api"`)
	e.RetryAfter = 1500 * time.Millisecond
	if _, err := Write(w, r, e); err != nil {
		t.Fatal(err)
	}
	h := rec.Header()
	for k, want := range map[string]string{
		"Content-Type":           "application/problem+json",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
		"X-Request-Id":           "abc123",
		"Www-Authenticate":       `Bearer realm="api"`,
		"Retry-After":            "2",
		"Content-Length":         "",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if rec.Code != 401 {
		t.Errorf("status %d", rec.Code)
	}
	// Without Begin, Write still works, with the default style.
	rec = httptest.NewRecorder()
	if _, err := Write(rec, httptest.NewRequest("GET", "/", nil), New(NotFound, "")); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"detail":"Not Found"`) {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	// A nil request and a nil error are tolerated.
	if _, err := Write(httptest.NewRecorder(), nil, nil); err != nil {
		t.Errorf("Write(nil) = %v", err)
	}
	rec = httptest.NewRecorder()
	if _, err := Write(rec, nil, New(Conflict, "dup")); err != nil || rec.Code != 409 {
		t.Errorf("Write with nil request: %v %d", err, rec.Code)
	}
}

func TestWriteAfterStart(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	if ok, _ := started(r); ok {
		t.Fatal("started before anything was written")
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte("partial"))
	if ok, status := started(r); !ok || status != 200 {
		t.Fatalf("started = %v %d", ok, status)
	}
	if _, err := Write(w, r, New(Internal, "")); !errors.Is(err, ErrResponseStarted) {
		t.Fatalf("Write after start = %v", err)
	}
	if rec.Body.String() != "partial" || rec.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("Write changed a started response: %q %q", rec.Body, rec.Header())
	}
}

func TestHostileText(t *testing.T) {
	t.Parallel()
	hostile := []string{
		"\xff\xfe invalid utf-8",
		"</script><script>alert(1)</script>",
		"line\r\nX-Injected: 1",
		"nul \x00 bell \x07 del \x7f",
		"quote \" backslash \\ tab \t",
		"sep \u2028 \u2029",
		strings.Repeat("é", 1000),
	}
	for _, s := range Styles() {
		for i, h := range hostile {
			e := NewInvalid(h, FieldError{Field: h, Pointer: "/" + h, Rule: h, Param: h, Message: h}).With(h, h)
			body, _ := Render(s, e, h)
			if !json.Valid(body) {
				t.Errorf("%s case %d: invalid JSON %q", s.Name, i, body)
			}
			for _, bad := range []string{"<", ">", "\u2028", "\r", "\x00"} {
				if strings.Contains(string(body), bad) {
					t.Errorf("%s case %d: body holds %q unescaped", s.Name, i, bad)
				}
			}
			d := DecodeBody(400, s.ContentType, body)
			if d.Kind != InvalidRequest {
				t.Errorf("%s case %d: decoded kind %s", s.Name, i, d.Kind)
			}
		}
	}
}

func TestNoCauseInBody(t *testing.T) {
	t.Parallel()
	secret := "password=hunter2 at db.internal:5432"
	errs := []error{
		errors.New(secret),
		fmt.Errorf("query: %w", errors.New(secret)),
		Wrap(Internal, errors.New(secret), "Could not list machines."),
		&Error{Kind: Unavailable, Err: errors.New(secret)},
	}
	for _, s := range Styles() {
		for _, err := range errs {
			body, status := Render(s, err, "id")
			if status < 500 {
				t.Errorf("%s: status %d", s.Name, status)
			}
			if strings.Contains(string(body), "hunter2") || strings.Contains(string(body), "db.internal") {
				t.Errorf("%s: cause leaked: %s", s.Name, body)
			}
		}
	}
}

func TestInfoValues(t *testing.T) {
	t.Parallel()
	type custom struct {
		A int `json:"a"`
	}
	var nilPtr *custom
	e := New(QuotaExceeded, "q").
		With("time", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)).
		With("dur", 1500*time.Millisecond).
		With("nan", math.NaN()).
		With("inf", math.Inf(1)).
		With("small", 1e-9).
		With("big", 1e22).
		With("f32", float32(0.5)).
		With("u8", uint8(7)).
		With("list", []string{"a", "b"}).
		With("any", []any{1, "x", nil}).
		With("nested", map[string]any{"z": 1, "a": map[string]any{"deep": true}}).
		With("custom", custom{A: 3}).
		With("nilptr", nilPtr).
		With("raw", json.RawMessage(`{"ok":1}`)).
		With("badraw", json.RawMessage(`{`)).
		With("chan", make(chan int))
	body, _ := Render(Gcore(), e, "")
	var m struct {
		Info map[string]any `json:"info"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("invalid JSON %s: %v", body, err)
	}
	want := `{"any":[1,"x",null],"badraw":null,"big":1e+22,"chan":null,"custom":{"a":3},"dur":1.5,"f32":0.5,"inf":null,"list":["a","b"],"nan":null,"nested":{"a":{"deep":true},"z":1},"nilptr":null,"raw":{"ok":1},"small":1e-9,"time":"2026-01-02T03:04:05Z","u8":7}`
	if !strings.Contains(string(body), `"info":`+want) {
		t.Errorf("info = %s\nwant %s", body, want)
	}
	// Deep nesting is cut off rather than recursing without bound.
	deep := map[string]any{}
	cur := deep
	for range 100 {
		next := map[string]any{}
		cur["n"] = next
		cur = next
	}
	body, _ = Render(Problem(), New(Internal, "").With("deep", deep), "")
	if !json.Valid(body) {
		t.Error("deep info is not valid JSON")
	}
}

func TestInfoReservedKeys(t *testing.T) {
	t.Parallel()
	e := New(RateLimited, "slow down").With("error", "spoof").With("status", 200).With("success", true).With("limit", 5)
	for _, s := range Styles() {
		body, _ := Render(s, e, "")
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		d := DecodeBody(429, s.ContentType, body)
		if d.Kind != RateLimited {
			t.Errorf("%s: an Info key overrode the envelope: %s", s.Name, body)
		}
	}
}

// Write reports the status it wrote: the one the response carries and the
// observer saw, whether it comes from the style, the error's own status or
// a declared code; 0 when it wrote nothing.
func TestWriteReportsStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		style *Style
		err   error
		want  int
	}{
		{"kind in problem", Problem(), New(NotFound, ""), 404},
		{"style's own status", Gcore(), New(CapacityUnavailable, ""), 403},
		{"error's own status", GPCN(), &Error{Kind: ClientError, HTTPStatus: 418}, 418},
		{"plain error", DevDocs(), errors.New("boom"), 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
			var observed int
			r = WithObserver(WithStyle(r, tc.style), func(_ *http.Request, _ *Error, status int) { observed = status })
			status, err := Write(w, r, tc.err)
			if err != nil || status != tc.want || rec.Code != tc.want || observed != tc.want {
				t.Fatalf("Write = %d, %v; response %d, observer %d; want %d", status, err, rec.Code, observed, tc.want)
			}
			if s := From(tc.err).Status(tc.style); s != status {
				t.Errorf("Error.Status = %d, Write reported %d", s, status)
			}
			// The response has started now: nothing more is written.
			if status, err := Write(w, r, tc.err); status != 0 || !errors.Is(err, ErrResponseStarted) {
				t.Errorf("second Write = %d, %v; want 0, ErrResponseStarted", status, err)
			}
		})
	}
	if status, err := Write(httptest.NewRecorder(), nil, nil); status != 0 || err != nil {
		t.Errorf("Write(nil) = %d, %v", status, err)
	}
}
