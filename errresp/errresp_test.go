package errresp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestKindCatalogue(t *testing.T) {
	t.Parallel()
	seen := map[string]Kind{}
	for k := Unknown + 1; k < kindEnd; k++ {
		name := k.String()
		if name == "" || strings.HasPrefix(name, "kind(") {
			t.Errorf("kind %d has no name", k)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("kinds %d and %d share the name %q", prev, k, name)
		}
		seen[name] = k
		if k.Summary() == "" {
			t.Errorf("%s has no summary", k)
		}
		if s := k.Status(); s < 400 || s > 599 {
			t.Errorf("%s: default status %d is not an error status", k, s)
		}
		text, err := k.MarshalText()
		if err != nil {
			t.Fatalf("%s: MarshalText: %v", k, err)
		}
		var back Kind
		if err := back.UnmarshalText(text); err != nil || back != k {
			t.Errorf("%s: text round trip gave %v, %v", k, back, err)
		}
		for _, s := range Styles() {
			if s.Codes != nil {
				if _, ok := s.Codes[k]; !ok {
					t.Errorf("style %s has no code for %s", s.Name, k)
				}
			}
		}
	}
	if len(Kinds()) != int(kindEnd)-1 {
		t.Errorf("Kinds() has %d kinds, want %d", len(Kinds()), kindEnd-1)
	}
	if _, err := Kind(200).MarshalText(); err == nil {
		t.Error("MarshalText of an undefined kind succeeded")
	}
	var k Kind
	if err := k.UnmarshalText([]byte("no_such_kind")); err == nil {
		t.Error("UnmarshalText of an unknown name succeeded")
	}
	if got := Kind(200).String(); got != "kind(200)" {
		t.Errorf("String of undefined kind = %q", got)
	}
}

// The codes and statuses each seed page names, verbatim.
func TestSeedCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		style  *Style
		kind   Kind
		code   string
		status int
	}{
		{GPCN, InvalidCredentials, "INVALID_CREDENTIALS", 401},
		{GPCN, TwoFactorRequired, "TWO_FACTOR_REQUIRED", 400},
		{GPCN, InvalidOTP, "INVALID_OTP", 400},
		{GPCN, SessionExpired, "SESSION_EXPIRED", 401},
		{GPCN, NotAuthenticated, "NOT_AUTHENTICATED", 401},
		{GPCN, PermissionDenied, "INSUFFICIENT_PERMISSIONS", 403},
		{GPCN, CredentialInvalid, "API_KEY_INVALID", 401},
		{GPCN, CredentialExpired, "API_KEY_EXPIRED", 401},
		{GPCN, RateLimited, "RATE_LIMIT_EXCEEDED", 429},
		{GPCN, InvalidRequest, "INVALID_REQUEST", 400},
		{GPCN, Internal, "SERVER_ERROR", 500},
		{DevDocs, NotAuthenticated, "AUTH-401", 401},
		{DevDocs, InvalidCredentials, "AUTH-401", 401},
		{DevDocs, SessionExpired, "AUTH-401", 401},
		{DevDocs, PermissionDenied, "AUTH-403", 403},
		{DevDocs, NotFound, "NOTFOUND-404", 404},
		{DevDocs, Internal, "SERVER-500", 500},
		{DevDocs, InvalidRequest, "BADREQUEST-400", 400},
		{DevDocs, Conflict, "CONFLICT-409", 409},
		{DevDocs, RateLimited, "TOOLIMITED-429", 429},
		{Gcore, InvalidRequest, "ValidationError", 400},
		{Gcore, NotFound, "NotFoundError", 404},
		{Gcore, QuotaExceeded, "QuotaLimitExceed", 403},
		{Gcore, CapacityUnavailable, "ForbiddenError", 403},
		{Gcore, MethodNotAllowed, "HTTPError", 405},
		{Gcore, Conflict, "ConflictError", 409},
		{Gcore, NotAuthenticated, "not_authenticated", 401},
		{Gcore, CredentialInvalid, "token_not_valid", 401},
		{Gcore, WrongAuthScheme, "token_not_valid", 401},
		{Gcore, RateLimited, "RateLimitExceeded", 429},
		{Gcore, Internal, "InternalServerError", 500},
		{AuthPI, InvalidRequest, "invalid_request", 400},
		{AuthPI, UnsupportedMediaType, "invalid_content_type", 415},
		{AuthPI, PermissionDenied, "access_denied", 403},
		{AuthPI, InsufficientScope, "insufficient_scope", 403},
		{AuthPI, SessionExpired, "session_expired", 401},
		{AuthPI, CredentialInvalid, "unauthorized_client", 401},
		{AuthPI, NotFound, "not_found", 404},
		{AuthPI, Conflict, "conflict", 409},
		{AuthPI, PreconditionFailed, "precondition_failed", 412},
		{AuthPI, RateLimited, "usage_limit_exceeded", 429},
		{AuthPI, Internal, "server_error", 500},
	}
	for _, tt := range tests {
		c := tt.style.Code(tt.kind)
		if c.Code != tt.code || c.Status != tt.status {
			t.Errorf("%s %s = %s %d, want %s %d", tt.style.Name, tt.kind, c.Code, c.Status, tt.code, tt.status)
		}
	}
	// Gcore's page gives the authentication messages that identify each cause.
	for k, msg := range map[Kind]string{
		NotAuthenticated:    "Authentication credentials were not provided.",
		CredentialMalformed: "Bad permanent token",
		CredentialInvalid:   "Token is invalid or expired",
		WrongAuthScheme:     "Given token not valid for any token type",
	} {
		if got := Gcore.Code(k).Title; got != msg {
			t.Errorf("gcore %s message = %q, want %q", k, got, msg)
		}
	}
}

// The generated GPCN reference lists every code of the seed's quick reference
// table with the same status and summary.
func TestGPCNReferenceMatchesSeed(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/gpcn-quick-reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	md := string(GPCN.ReferenceMarkdown())
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), " ", 3)
		if len(parts) != 3 || parts[0] != strings.ToUpper(parts[0]) || !strings.Contains(parts[0], "_") {
			continue
		}
		n++
		row := fmt.Sprintf("| %s | %s | %s |", parts[0], parts[1], parts[2])
		if !strings.Contains(md, row) {
			t.Errorf("reference lacks the row %q", row)
		}
	}
	if n != 11 {
		t.Fatalf("read %d rows of the seed table, want 11", n)
	}
}

func TestReferencePages(t *testing.T) {
	t.Parallel()
	for _, s := range Styles() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			md := string(s.ReferenceMarkdown())
			for _, e := range s.Reference() {
				if !strings.Contains(md, "| "+mdCell(e.Code)+" | "+fmt.Sprint(e.Status)+" |") {
					t.Errorf("markdown lacks %s %d", e.Code, e.Status)
				}
			}
			var doc struct {
				Style  string  `json:"style"`
				Errors []Entry `json:"errors"`
			}
			if err := json.Unmarshal(s.ReferenceJSON(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Style != s.Name || len(doc.Errors) != int(kindEnd)-1 {
				t.Errorf("json reference: style %q with %d entries", doc.Style, len(doc.Errors))
			}
			schema := s.Schema()
			if _, err := json.Marshal(schema); err != nil {
				t.Fatalf("schema does not marshal: %v", err)
			}
			// Every member of a rendered envelope is described by the schema.
			props := schema["properties"].(map[string]any)
			body, _ := Render(s, NewInvalid("x", FieldError{Field: "a", Message: "b"}), "id")
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			for k := range m {
				if _, ok := props[k]; !ok {
					t.Errorf("schema lacks member %q", k)
				}
			}
		})
	}
}

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
				if got.Code != "" {
					t.Errorf("decoded a code override %q", got.Code)
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

func TestTrackingWriter(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	w2, r2 := Begin(w, r)
	if w2 != w || r2 != r {
		t.Error("Begin is not idempotent")
	}
	w.WriteHeader(http.StatusEarlyHints)
	if ok, _ := started(r); ok {
		t.Error("a 1xx response counted as started")
	}
	if err := http.NewResponseController(w).Flush(); err != nil {
		t.Errorf("Flush through the tracking writer: %v", err)
	}
	if ok, status := started(r); !ok || status != 200 {
		t.Errorf("after Flush: %v %d", ok, status)
	}
	rec2 := httptest.NewRecorder()
	w2, r2 = Begin(rec2, httptest.NewRequest("GET", "/", nil))
	n, err := w2.(io.ReaderFrom).ReadFrom(strings.NewReader("streamed"))
	if err != nil || n != 8 || rec2.Body.String() != "streamed" {
		t.Errorf("ReadFrom = %d, %v, body %q", n, err, rec2.Body)
	}
	if ok, status := started(r2); !ok || status != 200 {
		t.Errorf("after ReadFrom: %v %d", ok, status)
	}
	if http.NewResponseController(w2).EnableFullDuplex() == nil {
		t.Log("recorder supports full duplex")
	}
}

func TestContextHelpers(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	if RequestID(r.Context()) != "" || StyleOf(r) != Default || observerOf(r) != nil {
		t.Fatal("a bare request has state")
	}
	r = WithRequestID(r, "one")
	r = WithStyle(r, GPCN)
	called := false
	r = withObserver(r, func(*http.Request, *Error, int) { called = true })
	if RequestID(r.Context()) != "one" || StyleOf(r) != GPCN || observerOf(r) == nil {
		t.Fatalf("without Begin: id %q style %s", RequestID(r.Context()), StyleOf(r).Name)
	}
	// Begin after WithStyle keeps the state and starts tracking.
	tw, r2 := Begin(httptest.NewRecorder(), r)
	if r2 != r || StyleOf(r2) != GPCN {
		t.Error("Begin replaced existing state")
	}
	_, _ = tw.Write([]byte("x"))
	if ok, _ := started(r2); !ok {
		t.Error("Begin after WithStyle does not track the response")
	}
	r = withObserver(httptest.NewRequest("GET", "/", nil), observerOf(r))
	r = WithStyle(WithRequestID(r, "one"), GPCN)
	ctx := ContextWithRequestID(context.Background(), "job-1")
	if RequestID(ctx) != "job-1" {
		t.Error("ContextWithRequestID")
	}
	rec := httptest.NewRecorder()
	if _, err := Write(rec, r, New(NotFound, "")); err != nil {
		t.Fatal(err)
	}
	if !called || !strings.Contains(rec.Body.String(), `"error":"NOT_FOUND"`) {
		t.Errorf("observer %v, body %s", called, rec.Body)
	}
}

func TestObserverSeesEveryWrite(t *testing.T) {
	t.Parallel()
	var got []string
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	r = WithStyle(r, DevDocs)
	r = withObserver(r, func(req *http.Request, e *Error, status int) {
		got = append(got, fmt.Sprintf("%s %s %d", req.URL.Path, e.Kind, status))
	})
	_, _ = Write(w, r, errors.New("boom"))
	if len(got) != 1 || got[0] != "/ internal 500" {
		t.Errorf("observer saw %v", got)
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

func TestFrom(t *testing.T) {
	t.Parallel()
	notFound := New(NotFound, "no such vm")
	tests := []struct {
		name string
		err  error
		kind Kind
		msg  string
	}{
		{"plain", errors.New("x"), Internal, msgInternal},
		{"deadline", context.DeadlineExceeded, Timeout, msgTimeout},
		{"wrapped deadline", fmt.Errorf("calling: %w", context.DeadlineExceeded), Timeout, msgTimeout},
		{"canceled", context.Canceled, Canceled, msgCanceled},
		{"max bytes", &http.MaxBytesError{Limit: 65536}, PayloadTooLarge, "The request body is larger than the limit of 65536 bytes."},
		{"wrapped error", fmt.Errorf("handler: %w", notFound), NotFound, "no such vm"},
		{"unkinded wrapper", &Error{Message: "outer", Err: notFound}, NotFound, "outer"},
		{"handler timeout", http.ErrHandlerTimeout, Timeout, msgTimeout},
		{"not supported", fmt.Errorf("flush: %w", http.ErrNotSupported), NotImplemented, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := From(tt.err)
			if e.Kind != tt.kind || e.Message != tt.msg {
				t.Errorf("From = %s %q, want %s %q", e.Kind, e.Message, tt.kind, tt.msg)
			}
			var inner *Error
			if errors.As(tt.err, &inner) {
				if !errors.Is(e, notFound) {
					t.Errorf("the inner *Error is lost")
				}
			} else if !errors.Is(e, tt.err) {
				t.Errorf("the cause is not reachable through Unwrap")
			}
		})
	}
	if e := From(fmt.Errorf("x: %w", &Error{Kind: Gone, HTTPStatus: 410})); e.Kind != Gone || e.Status(GPCN) != 410 {
		t.Errorf("own status lost through a wrapper: %+v", e)
	}
	if From(nil) != nil || KindOf(nil) != Unknown || KindOf(errors.New("x")) != Internal {
		t.Error("From(nil) / KindOf")
	}
	if !New(RateLimited, "").Retryable() || New(NotFound, "").Retryable() || !(&Error{}).Retryable() {
		t.Error("(*Error).Retryable")
	}
	if KindOf(fmt.Errorf("a: %w", fmt.Errorf("b: %w", notFound))) != NotFound {
		t.Error("KindOf through two wrappers")
	}
}

func TestIsAndAs(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("handler: %w", Wrap(Conflict, errors.New("unique violation"), "name taken"))
	if !errors.Is(err, &Error{Kind: Conflict}) {
		t.Error("Is by kind")
	}
	if errors.Is(err, &Error{Kind: NotFound}) {
		t.Error("Is matched another kind")
	}
	if !errors.Is(err, &Error{Kind: Conflict, Message: "name taken"}) || errors.Is(err, &Error{Message: "other"}) {
		t.Error("Is by message")
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != Conflict {
		t.Error("As")
	}
	if !strings.Contains(err.Error(), "conflict: name taken: unique violation") {
		t.Errorf("Error() = %q", err.Error())
	}
	if (&Error{Kind: NotFound}).Error() != "not_found" {
		t.Error("Error() without message")
	}
	if New(Conflict, "x").Status(nil) != 409 || New(Conflict, "x").Status(Gcore) != 409 || (&Error{}).Status(GPCN) != 500 {
		t.Error("Status")
	}
}

func TestCodeOverride(t *testing.T) {
	t.Parallel()
	e := &Error{Kind: Conflict, Code: "VM_LOCKED", Message: "locked"}
	for _, s := range Styles() {
		body, status := Render(s, e, "")
		if status != 409 || !strings.Contains(string(body), `"VM_LOCKED"`) {
			t.Errorf("%s: %d %s", s.Name, status, body)
		}
		d := DecodeBody(status, s.ContentType, body)
		if d.Kind != Conflict || d.Code != "VM_LOCKED" {
			t.Errorf("%s: decoded %s %q", s.Name, d.Kind, d.Code)
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
	body, _ := Render(Gcore, e, "")
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
	body, _ = Render(Problem, New(Internal, "").With("deep", deep), "")
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

func TestRetryable(t *testing.T) {
	t.Parallel()
	for k, want := range map[Kind]bool{
		InvalidRequest: false, NotFound: false, QuotaExceeded: false, MethodNotAllowed: false,
		CapacityUnavailable: true, Internal: true, RateLimited: true, Unavailable: true, Timeout: true,
	} {
		if k.Retryable() != want {
			t.Errorf("%s.Retryable() = %v", k, !want)
		}
	}
}

func TestRegister(t *testing.T) {
	s := &Style{Name: "test-only", Encode: func(o *Object, env *Envelope) { o.String("oops", env.Code) }}
	Register(s)
	defer func() {
		registryMu.Lock()
		delete(registry, s.Name)
		order = order[:len(order)-1]
		registryMu.Unlock()
	}()
	got, ok := StyleNamed("test-only")
	if !ok || got != s {
		t.Fatal("StyleNamed")
	}
	Register(s) // again: replaces, does not duplicate
	n := 0
	for _, st := range Styles() {
		if st.Name == "test-only" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("style listed %d times", n)
	}
	body, status := Render(s, New(NotFound, ""), "")
	if status != 404 || string(body) != "{\"oops\":\"not_found\"}\n" {
		t.Errorf("defaulted codes: %d %s", status, body)
	}
	if s.Schema()["properties"].(map[string]any)["oops"] == nil {
		t.Error("schema of a custom style lacks its member")
	}
}

func TestForkAndHeaderValue(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	if requestIDHeaderValue(r) != nil {
		t.Error("a header value without an id")
	}
	r = withObserver(WithStyle(WithRequestID(r, "parent"), GPCN), func(*http.Request, *Error, int) {})
	if v := requestIDHeaderValue(r); len(v) != 1 || v[0] != "parent" {
		t.Errorf("requestIDHeaderValue = %q", v)
	}
	buf := httptest.NewRecorder()
	fw, fr := fork(buf, r)
	if RequestID(fr.Context()) != "parent" || StyleOf(fr) != GPCN || observerOf(fr) == nil {
		t.Fatal("fork did not copy the state")
	}
	_, _ = fw.Write([]byte("buffered"))
	fr = WithStyle(fr, DevDocs)
	if ok, _ := started(fr); !ok {
		t.Error("the fork does not track its writer")
	}
	if ok, _ := started(r); ok || StyleOf(r) != GPCN {
		t.Error("the fork reached the parent's state")
	}
	if _, err := Write(w, r, New(NotFound, "")); err != nil || rec.Code != 404 {
		t.Errorf("parent Write after fork: %v %d", err, rec.Code)
	}
	_, fr2 := fork(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if RequestID(fr2.Context()) != "" || StyleOf(fr2) != Default {
		t.Error("fork of a bare request")
	}
}

func TestReferenceHandler(t *testing.T) {
	t.Parallel()
	h := ReferenceHandler()
	for _, tc := range []struct {
		accept, ct, contains string
		style                *Style
	}{
		{"", "text/markdown; charset=utf-8", "| RATE_LIMIT_EXCEEDED | 429 |", GPCN},
		{"text/markdown", "text/markdown; charset=utf-8", "| TOOLIMITED-429 | 429 |", DevDocs},
		{"application/json", "application/json", `"code":"usage_limit_exceeded","status":429`, AuthPI},
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/errors", nil)
		r.Header.Set("Accept", tc.accept)
		h.ServeHTTP(rec, WithStyle(r, tc.style))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != tc.ct || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("Accept %q: %d %q %.200s", tc.accept, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

func TestWithRequestIDFrom(t *testing.T) {
	t.Parallel()
	_, r := Begin(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	b := []byte("first-id")
	r = WithRequestIDFrom(r, b)
	copy(b, "XXXXXXXX") // the caller's buffer is not the id's storage
	if got := RequestID(r.Context()); got != "first-id" {
		t.Fatalf("id %q, want first-id", got)
	}
	first := RequestID(r.Context())
	r = WithRequestIDFrom(r, []byte("second-id"))
	if got := RequestID(r.Context()); got != "second-id" || first != "first-id" {
		t.Fatalf("ids %q then %q; want the first unchanged and the second recorded", first, got)
	}
	// Without Begin, the id is recorded as WithRequestID does.
	r2 := WithRequestIDFrom(httptest.NewRequest(http.MethodGet, "/", nil), []byte("plain"))
	if got := RequestID(r2.Context()); got != "plain" {
		t.Fatalf("id %q, want plain", got)
	}
}

// TestAttach keeps a value in the per-request state: requests derived from
// the request see it, a later attach with the same key replaces it, another
// key finds no room, and a request without state keeps nothing.
func TestAttach(t *testing.T) {
	t.Parallel()
	type keyA struct{}
	type keyB struct{}
	bare := httptest.NewRequest(http.MethodGet, "/", nil)
	if attach(bare, keyA{}, 1) {
		t.Fatal("attach kept a value on a request without per-request state")
	}
	_, r := Begin(httptest.NewRecorder(), bare)
	if !attach(r, keyA{}, 1) {
		t.Fatal("attach refused the first value")
	}
	type other struct{}
	derived := r.WithContext(context.WithValue(r.Context(), other{}, "x"))
	if got := derived.Context().Value(keyA{}); got != 1 {
		t.Fatalf("a derived request sees %v, want 1", got)
	}
	if !attach(derived, keyA{}, 2) || r.Context().Value(keyA{}) != 2 {
		t.Fatalf("attach with the same key did not replace the value: %v", r.Context().Value(keyA{}))
	}
	if attach(r, keyB{}, 3) || r.Context().Value(keyB{}) != nil {
		t.Fatal("attach kept a second key")
	}
	if attach(r, nil, 3) {
		t.Fatal("attach kept a nil key")
	}
}
