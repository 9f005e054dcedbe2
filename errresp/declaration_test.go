package errresp

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// acmeStyle is a style declared as data, registered for the whole test
// binary so that TestRoundTrip takes every kind through Write and Decode in
// it as in the built-in five. Its authentication kinds share one code, which
// the "cause" member tells apart. Declared as a package-level var that its
// own parser refers to: NewStyle's closures hold the style, not the var, so
// there is no initialisation cycle.
var acmeStyle = NewStyle(Declaration{
	Name:        "acme-test",
	ContentType: "application/vnd.acme.error+json",
	Codes:       acmeCodes(),
	Messages:    map[Kind]string{NotFound: "Nothing lives here"},
	Members: Members{Code: "error_code", Message: "error_message", Title: "error_title", Status: "http_status",
		Reason: "cause", RequestID: "trace_id", Fields: "violations", Info: "details"},
	FieldNames: FieldNames{Field: "path", Pointer: "ptr", In: "location", Rule: "rule", Param: "arg", Message: "text"},
})

func acmeCodes() map[Kind]Code {
	codes := map[Kind]Code{}
	for _, k := range Kinds() {
		c := Code{Code: "ACME_" + strings.ToUpper(k.String()), Status: k.Status(), Title: k.Summary()}
		if k.Status() == 401 {
			c.Code = "ACME_UNAUTHENTICATED"
		}
		codes[k] = c
	}
	return codes
}

func init() { Register(acmeStyle) }

func TestDeclaredStyleEnvelope(t *testing.T) {
	t.Parallel()
	body, status := Render(acmeStyle, New(NotFound, "").With("vm", "vm-1"), "req-7")
	want := `{"error_code":"ACME_NOT_FOUND","error_title":"No such resource or route","http_status":404,` +
		`"error_message":"Nothing lives here","cause":"not_found","trace_id":"req-7","details":{"vm":"vm-1"}}` + "\n"
	if status != 404 || string(body) != want {
		t.Errorf("got %d %s\nwant %s", status, body, want)
	}
	// Shared codes come back as their own kinds through the cause member.
	for _, k := range []Kind{NotAuthenticated, SessionExpired, CredentialMalformed} {
		b, st := Render(acmeStyle, New(k, "x"), "")
		got := DecodeBody(st, acmeStyle.ContentType, b)
		if got.Kind != k {
			t.Errorf("%v decoded as %v: %s", k, got.Kind, b)
		}
	}
	sch := acmeStyle.Schema()
	props := sch["properties"].(map[string]any)
	for _, m := range []string{"error_code", "error_message", "error_title", "http_status", "cause", "trace_id", "violations", "details"} {
		if props[m] == nil {
			t.Errorf("schema lacks member %s", m)
		}
	}
	if enum := props["error_code"].(map[string]any)["enum"].([]string); len(enum) == 0 {
		t.Error("schema has no code enum")
	}
}

// A declared style with Info among the top-level members, and one with a
// hand-written encoder beside it: both still write valid envelopes.
func TestDeclaredStyleTopLevelInfo(t *testing.T) {
	t.Parallel()
	s := NewStyle(Declaration{Name: "flat-test", Members: Members{Code: "kode", Message: "msg"}})
	b, st := Render(s, New(RateLimited, "slow down").With("limit", 5).With("kode", "ignored"), "")
	if string(b) != `{"kode":"rate_limited","msg":"slow down","limit":5}`+"\n" || st != 429 {
		t.Errorf("got %d %s", st, b)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	e, ok := s.Parse(m)
	if !ok || e.Kind != RateLimited || e.Message != "slow down" || e.Info["limit"] != float64(5) {
		t.Errorf("parsed %+v %v", e, ok)
	}
	hand := &Style{Name: "hand-test", Encode: func(o *Object, env *Envelope) { o.String("c", env.Code) }}
	if b, _ := Render(hand, New(Conflict, ""), ""); string(b) != `{"c":"conflict"}`+"\n" {
		t.Errorf("hand-written encoder: %s", b)
	}
}

func TestNewStyleRejects(t *testing.T) {
	t.Parallel()
	shared := map[Kind]Code{NotFound: {"X", 404, ""}, Gone: {"X", 410, ""}}
	for name, d := range map[string]Declaration{
		"no name":          {Members: Members{Code: "c", Message: "m"}},
		"no code member":   {Name: "n", Members: Members{Message: "m"}},
		"no message":       {Name: "n", Members: Members{Code: "c"}},
		"member twice":     {Name: "n", Members: Members{Code: "c", Message: "m", Info: "c"}},
		"shared, no cause": {Name: "n", Codes: shared, Members: Members{Code: "c", Message: "m"}},
	} {
		mustPanic(t, "NewStyle: "+name, func() { NewStyle(d) })
	}
}

// The declared style is read by Decode from a real response, with its
// content type, as Write sends it.
func TestDeclaredStyleWriteDecode(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
	r = WithStyle(r, acmeStyle)
	if _, err := Write(w, r, NewInvalid("bad", FieldError{Field: "name", Pointer: "/name", Rule: "required", Message: "name is required"})); err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/vnd.acme.error+json" {
		t.Errorf("Content-Type %s", ct)
	}
	e, err := Decode(rec.Result())
	if err != nil || e.Kind != InvalidRequest || len(e.Fields) != 1 || e.Fields[0].Pointer != "/name" || e.Fields[0].Rule != "required" {
		t.Errorf("decoded %+v %v", e, err)
	}
}
