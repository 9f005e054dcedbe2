package errresp

import (
	"slices"
	"strings"
	"testing"
)

// Every kind has a meaning, causes, a resolution and retry advice in every
// style, and the advice agrees with Retryable.
func TestDocComplete(t *testing.T) {
	t.Parallel()
	for _, s := range Styles() {
		for _, k := range Kinds() {
			d := s.Doc(k)
			if d.Meaning == "" || len(d.Causes) == 0 || d.Resolution == "" || d.Retry == "" {
				t.Errorf("%s %v: incomplete doc %+v", s.Name, k, d)
			}
			if yes := strings.HasPrefix(d.Retry, "Yes"); yes != k.Retryable() {
				t.Errorf("%s %v: retry advice %q, Retryable %v", s.Name, k, d.Retry, k.Retryable())
			}
		}
	}
}

// A style's Docs replace the library's text field by field.
func TestDocOverlay(t *testing.T) {
	t.Parallel()
	s := NewStyle(Declaration{Name: "doc-test", Members: Members{Code: "code", Message: "message"},
		Docs: map[Kind]CodeDoc{NotFound: {Resolution: "Look elsewhere."}}})
	d := s.Doc(NotFound)
	if d.Resolution != "Look elsewhere." || d.Meaning != kindDocs[NotFound].Meaning || !slices.Equal(d.Causes, kindDocs[NotFound].Causes) {
		t.Errorf("overlay: %+v", d)
	}
	if s.Doc(Unknown).Meaning != kindDocs[Internal].Meaning {
		t.Error("Unknown is not documented as Internal")
	}
}

// A code several kinds share reads as the style's page gives it: DevDocs'
// AUTH-401 has exactly the page's causes, once each; Gcore's token_not_valid
// lists the cause of each of its authentication messages.
func TestGroupDoc(t *testing.T) {
	t.Parallel()
	kinds, _ := DevDocs().groups(emptyCatalogue, map[string]bool{})
	var auth codeGroup
	for _, g := range kinds {
		if g.Code == "AUTH-401" {
			auth = g
		}
	}
	if len(auth.Kinds) != 7 || !slices.Equal(auth.Doc.Causes, devdocsDocs[InvalidCredentials].Causes) ||
		auth.Doc.Resolution != devdocsDocs[InvalidCredentials].Resolution {
		t.Errorf("AUTH-401: %+v", auth)
	}
	kinds, _ = Gcore().groups(emptyCatalogue, map[string]bool{})
	for _, g := range kinds {
		if g.Code != "token_not_valid" {
			continue
		}
		for _, want := range []string{"Token is invalid or expired", "Bad permanent token", "Given token not valid for any token type"} {
			if !slices.ContainsFunc(g.Doc.Causes, func(c string) bool { return strings.Contains(c, want) }) {
				t.Errorf("token_not_valid lacks %q: %q", want, g.Doc.Causes)
			}
		}
		if len(g.Doc.Causes) != 3 {
			t.Errorf("token_not_valid causes: %q", g.Doc.Causes)
		}
	}
}
