package errresp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// The generated GPCN reference lists every code of the seed's quick reference
// table with the same status and summary.
func TestGPCNReferenceMatchesSeed(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/gpcn-quick-reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	md := string(GPCN().ReferenceMarkdown())
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

func TestReferenceHandler(t *testing.T) {
	t.Parallel()
	h := ReferenceHandler()
	for _, tc := range []struct {
		accept, ct, contains string
		style                *Style
	}{
		{"", "text/markdown; charset=utf-8", "| RATE_LIMIT_EXCEEDED | 429 |", GPCN()},
		{"text/markdown", "text/markdown; charset=utf-8", "| TOOLIMITED-429 | 429 |", DevDocs()},
		{"application/json", "application/json", `"code":"usage_limit_exceeded","status":429`, AuthPI()},
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
