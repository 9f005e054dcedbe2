package browsertest

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// The provider pages (testdata/seeds, copies of the four error references
// the built-in styles follow) read as expectations on the reference page:
// for each code, the causes and resolution it must show word for word, or
// passages its entry must contain.

// want is what one code's entry must show.
type want struct {
	code       string
	meaning    string   // exact, when set
	causes     []string // exact and in order, when set
	resolution string   // exact, when set
	contains   []string // passages the entry's text contains
	retry      []string // passages its retry advice contains
}

func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seeds/" + name + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// seedWants returns the expectations the style's page gives, or nil for a
// style without one (problem).
func seedWants(t *testing.T, style string) []want {
	switch style {
	case "gpcn":
		return gpcnWants(t)
	case "devdocs":
		return devdocsWants(t)
	case "gcore":
		return gcoreWants(t)
	case "authpi":
		return authpiWants(t)
	}
	return nil
}

// gpcnWants reads each code's "Description", "Common causes" and
// "Solution".
func gpcnWants(t *testing.T) []want {
	text := readSeed(t, "gpcn")
	text = text[strings.Index(text, "Error Code Reference"):strings.Index(text, "Quick Reference Table")]
	parts := regexp.MustCompile(`\n\n([A-Z_]+)\n\n`).Split(text, -1)
	codes := regexp.MustCompile(`\n\n([A-Z_]+)\n\n`).FindAllStringSubmatch(text, -1)
	var ws []want
	for i, c := range codes {
		sec := parts[i+1]
		w := want{code: c[1]}
		w.meaning = regexp.MustCompile(`Description (.*)`).FindStringSubmatch(sec)[1]
		for _, m := range regexp.MustCompile(`  • (.*)`).FindAllStringSubmatch(sec, -1) {
			w.causes = append(w.causes, m[1])
		}
		w.resolution = regexp.MustCompile(`Solution: (.*)`).FindStringSubmatch(sec)[1]
		ws = append(ws, w)
	}
	if len(ws) != 11 {
		t.Fatalf("read %d codes from the GPCN page, want 11", len(ws))
	}
	return ws
}

// devdocsWants reads each code's description, "Possible Causes" and
// "Resolution".
func devdocsWants(t *testing.T) []want {
	text := readSeed(t, "devdocs")
	text, _, _ = strings.Cut(text, "No errors found")
	heading := regexp.MustCompile(`\n([A-Z]+-\d{3})\n\n`)
	parts := heading.Split(text, -1)
	var ws []want
	for i, c := range heading.FindAllStringSubmatch(text, -1) {
		var lines []string
		for _, l := range strings.Split(parts[i+1], "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		w := want{code: c[1], meaning: lines[1]}
		at := func(s string) int {
			for j, l := range lines {
				if l == s {
					return j
				}
			}
			t.Fatalf("%s: no %q", c[1], s)
			return 0
		}
		ci, ri := at("Possible Causes:"), at("Resolution:")
		for _, l := range lines[ci+1 : ri] {
			w.causes = append(w.causes, strings.TrimSpace(strings.TrimPrefix(l, "•")))
		}
		w.resolution = strings.Join(lines[ri+1:], " ")
		ws = append(ws, w)
	}
	if len(ws) != 7 {
		t.Fatalf("read %d codes from the DevDocs page, want 7", len(ws))
	}
	return ws
}

// gcoreWants reads the page's authentication table (message and cause)
// and retry table (safe to retry, action), and the passages of its common
// error types, each of which must stand in the page (where the page's
// markup was lost, "aGET" reads "a GET").
func gcoreWants(t *testing.T) []want {
	text := strings.ReplaceAll(readSeed(t, "gcore"), "aGET", "a GET")
	code := func(k errresp.Kind) string { return errresp.Gcore().Code(k).Code }
	ws := []want{
		{code: code(errresp.InvalidRequest), contains: []string{
			"The request body is missing required fields or contains invalid values.",
			"invalid_fields lists each problematic field and why it failed. Fix the request body and retry.",
			"A ValidationError also appears when a reseller account requires specific name templates"}},
		{code: code(errresp.NotFound), contains: []string{
			"The requested resource does not exist, or exists in a different project or region.",
			"project_id and region_id in the path match the region where the resource was created."}},
		{code: code(errresp.QuotaExceeded), contains: []string{
			"The request would exceed a project or account quota.",
			"info shows the exact numbers: current usage, requested total, and the limit. To resolve:",
			"Reduce the requested resource size or count", "Submit a quota request via the Gcore Customer Portal"}},
		{code: code(errresp.CapacityUnavailable), contains: []string{
			"The request is structurally valid but cannot be fulfilled — typically because a flavor has reached regional capacity.",
			"ForbiddenError is not a permissions error — it means the physical resource is temporarily unavailable. Try a different region or a different flavor."}},
		{code: code(errresp.MethodNotAllowed), contains: []string{
			"The HTTP method used is not supported by this endpoint.",
			"Most often caused by sending a GET to an endpoint that only accepts POST, or vice versa."}},
	}
	for _, w := range ws {
		for _, p := range w.contains {
			if !strings.Contains(text, p) {
				t.Fatalf("the Gcore page has no %q", p)
			}
		}
	}
	// "| Message | Cause |" rows.
	byMessage := map[string]errresp.Kind{
		"Authentication credentials were not provided.": errresp.NotAuthenticated,
		"Bad permanent token: {partial_key}":            errresp.CredentialMalformed,
		"Token is invalid or expired":                   errresp.CredentialInvalid,
		"Given token not valid for any token type":      errresp.WrongAuthScheme,
	}
	for k, r := range kindRows(t, text, "| Message | Cause |", byMessage) {
		ws = append(ws, want{code: code(k), contains: []string{r[0], r[1]}})
	}
	// "| Error type | Safe to retry? | Action |" rows.
	byType := map[string]errresp.Kind{
		"ValidationError": errresp.InvalidRequest, "NotFoundError": errresp.NotFound, "QuotaLimitExceed": errresp.QuotaExceeded,
		"ForbiddenError (capacity)": errresp.CapacityUnavailable, "HTTPError 405": errresp.MethodNotAllowed,
		"500": errresp.Internal, "429": errresp.RateLimited,
	}
	for k, r := range kindRows(t, text, "| Error type | Safe to retry? | Action |", byType) {
		ws = append(ws, want{code: code(k), retry: []string{r[1], r[2]}})
	}
	return ws
}

// kindRows returns the rows of the table under header, each with the kind
// its first cell names in byFirst; every row must name one, and every
// entry of byFirst must have its row.
func kindRows(t *testing.T, text, header string, byFirst map[string]errresp.Kind) map[errresp.Kind][]string {
	t.Helper()
	rows := tableRows(text, header)
	out := map[errresp.Kind][]string{}
	for _, r := range rows {
		k, ok := byFirst[r[0]]
		if !ok {
			t.Fatalf("table %s: unknown first cell %q", header, r[0])
		}
		out[k] = r
	}
	if len(rows) != len(byFirst) {
		t.Fatalf("table %s: %d rows, want %d", header, len(rows), len(byFirst))
	}
	return out
}

// tableRows returns the cells of the rows that follow header's line and its
// rule, up to the first line that is not a row.
func tableRows(text, header string) [][]string {
	_, rest, ok := strings.Cut(text, header)
	if !ok {
		return nil
	}
	lines := strings.Split(rest, "\n")[2:]
	var rows [][]string
	for _, l := range lines {
		cells := strings.Split(strings.TrimSuffix(strings.TrimSpace(l), "|"), "|")
		if len(cells) < 2 {
			break
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[0] == "" {
			cells = cells[1:]
		}
		rows = append(rows, cells)
	}
	return rows
}

// authpiWants reads each code's paragraph: every sentence of it stands in
// the code's entry, but for a link to the provider's own guide, which
// this page does not have. Inline code marks are dropped.
func authpiWants(t *testing.T) []want {
	text := readSeed(t, "authpi")
	heading := regexp.MustCompile("(?m)^### (.*)$")
	parts := heading.Split(text, -1)
	link := regexp.MustCompile(`See the \[[^]]*\]\([^)]*\) for details\.`)
	var ws []want
	for i, h := range heading.FindAllStringSubmatch(text, -1) {
		sec := parts[i+1]
		_, para, _ := strings.Cut(sec, "*\n\n")
		para = strings.TrimSpace(link.ReplaceAllString(strings.ReplaceAll(para, "`", ""), ""))
		var sentences []string
		for _, s := range regexp.MustCompile(`[^.]+\.`).FindAllString(para, -1) {
			sentences = append(sentences, strings.TrimSpace(s))
		}
		for _, c := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(h[1], -1) {
			ws = append(ws, want{code: c[1], contains: sentences})
		}
	}
	if len(ws) != 11 {
		t.Fatalf("read %d codes from the AuthPI page, want 11", len(ws))
	}
	return ws
}
