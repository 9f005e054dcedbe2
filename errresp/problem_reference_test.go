package errresp

import (
	"encoding/json"
	"strings"
	"testing"
)

// A problem's type is the reference page's URL with its code's anchor, for
// every kind, a declared code and an undeclared one.
func TestProblemReference(t *testing.T) {
	s := NewProblem("", ProblemReference("https://api.example.com/errors"))
	typeOf := func(err error) (string, string) {
		b, _ := Render(s, err, "")
		var m struct{ Type, Title string }
		if e := json.Unmarshal(b, &m); e != nil {
			t.Fatal(e)
		}
		return m.Type, m.Title
	}
	for _, k := range Kinds() {
		if typ, title := typeOf(New(k, "")); typ != "https://api.example.com/errors#"+k.String() || title != k.Summary() {
			t.Errorf("%v: type %q title %q", k, typ, title)
		}
	}
	withCatalogue(t, func() {
		DeclareCodes(vmLocked)
		if typ, _ := typeOf(&Error{Code: "VM_LOCKED"}); typ != "https://api.example.com/errors#VM_LOCKED" {
			t.Errorf("declared code: %q", typ)
		}
	})
	if typ, _ := typeOf(&Error{Kind: Conflict, Code: "NOT_DECLARED"}); typ != "https://api.example.com/errors#conflict" {
		t.Errorf("undeclared code: %q", typ)
	}
	// The draft's quota type still wins for RateLimited.
	q := NewProblem("", ProblemReference("https://api.example.com/errors"), ProblemQuotaExceeded())
	if b, _ := Render(q, New(RateLimited, ""), ""); !strings.Contains(string(b), QuotaExceededType) {
		t.Errorf("quota: %s", b)
	}
	for _, bad := range []string{"", "https://x/errors#a"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ProblemReference(%q) did not panic", bad)
				}
			}()
			ProblemReference(bad)
		}()
	}
}
