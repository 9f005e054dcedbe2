package errresp

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Entry is one row of a style's error reference.
type Entry struct {
	Kind      Kind   `json:"kind"`
	Code      string `json:"code"`
	Status    int    `json:"status"`
	Summary   string `json:"summary"`
	Retryable bool   `json:"retryable"`
	// Description is a declared code's description (ServiceCode).
	Description string `json:"description,omitempty"`
	// CodeDoc is what the reference says about the code: meaning, common
	// causes, resolution and retry advice (Style.Doc, or the declaration's).
	CodeDoc
}

// Reference returns the style's error reference: one entry per kind, in
// catalogue order (only the kinds ReferenceKinds names, when it was
// called), with the code and status the style answers it with, the style's
// summary, whether a client may retry, and what the reference says about
// it (Doc); then one entry per code the service declared (DeclareCodes), in
// declaration order.
func (s *Style) Reference() []Entry { return s.reference(currentCatalogue()) }

func (s *Style) reference(cat *catalogue) []Entry {
	kinds := cat.kinds
	if kinds == nil {
		kinds = Kinds()
	}
	out := make([]Entry, 0, len(kinds)+len(cat.codes))
	for _, k := range kinds {
		c := s.code(k)
		out = append(out, Entry{Kind: k, Code: c.Code, Status: c.Status, Summary: c.Title, Retryable: k.Retryable(), CodeDoc: s.Doc(k)})
	}
	for _, sc := range cat.codes {
		st := sc.Status
		if st == 0 {
			st = s.code(sc.Kind).Status
		}
		out = append(out, Entry{Kind: sc.Kind, Code: sc.Code, Status: st, Summary: sc.Title,
			Retryable: sc.Kind.Retryable(), Description: sc.Description, CodeDoc: s.declaredDoc(sc)})
	}
	return out
}

// sampleError is the failure the reference pages show as an example.
var sampleError = NewInvalid("The request body failed validation.",
	FieldError{Field: "name", Pointer: "/name", Rule: "min", Param: "3", Message: "name must be at least 3 characters long"})

// ReferenceMarkdown returns the style's error reference as a Markdown page: the
// envelope with an example, a quick reference table of every code with
// its status and summary, the service's own codes, each code's meaning,
// causes, resolution and retry advice, then the retry rules. Like
// ReferenceHTML it is rendered once per set of declarations; the returned
// slice must not be modified.
func (s *Style) ReferenceMarkdown() []byte { return s.referencePages().md }

func (s *Style) markdown(cat *catalogue) []byte {
	var b bytes.Buffer
	b.WriteString("# Error reference: " + s.Name + "\n\n")
	b.WriteString("Every error response has the Content-Type `" + s.contentType() + "`, an `X-Request-ID` header, " +
		"and a JSON body of this shape:\n\n```json\n")
	b.WriteString(s.example(sampleError))
	b.WriteString("\n```\n\n## Quick Reference Table\n\n")
	b.WriteString("| Error Code | Status | Summary | Kind | Retry |\n|---|---|---|---|---|\n")
	for _, e := range s.reference(cat) {
		retry := "no"
		if e.Retryable {
			retry = "yes"
		}
		b.WriteString("| " + mdCell(e.Code) + " | " + strconv.Itoa(e.Status) + " | " + mdCell(e.Summary) +
			" | " + e.Kind.String() + " | " + retry + " |\n")
	}
	if len(cat.codes) > 0 {
		b.WriteString("\n## The service's own codes\n\n")
		for _, c := range cat.codes {
			b.WriteString("- **" + mdCell(c.Code) + "** (" + c.Kind.String() + "): " + mdCell(c.Title))
			if c.Description != "" {
				b.WriteString(" " + mdCell(c.Description))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## Error codes\n")
	kinds, declaredCodes := s.groups(cat, map[string]bool{})
	for _, g := range append(kinds, declaredCodes...) {
		b.WriteString("\n### " + mdCell(g.Code) + "\n\n")
		b.WriteString("HTTP status " + strconv.Itoa(g.Status) + " " + statusText(g.Status) + ". " + mdCell(g.Doc.Meaning) + "\n")
		if len(g.Doc.Causes) > 0 {
			b.WriteString("\nCommon causes:\n\n")
			for _, c := range g.Doc.Causes {
				b.WriteString("- " + mdCell(c) + "\n")
			}
		}
		b.WriteString("\nResolution: " + mdCell(g.Doc.Resolution) + "\n\nRetry: " + mdCell(g.Doc.Retry) + "\n")
	}
	b.WriteString("\n## Retrying\n\n" +
		"Retry 429 after the `Retry-After` header's seconds; retry 5xx with exponential backoff " +
		"(for example 1 to 5 seconds, up to 3 times). Do not retry other 4xx answers: fix the " +
		"request first. A capacity failure may succeed with another region or size.\n")
	return b.Bytes()
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// ReferenceJSON returns the style's error reference as JSON:
// {"style":..., "content_type":..., "errors":[{"kind","code","status","summary","retryable",
// "meaning","causes","resolution","retry"}...]}. Like ReferenceHTML it is
// rendered once per set of declarations; the returned slice must not be
// modified.
func (s *Style) ReferenceJSON() []byte { return s.referencePages().json }

func (s *Style) referenceJSON(cat *catalogue) []byte {
	b, _ := json.Marshal(struct {
		Style       string  `json:"style"`
		ContentType string  `json:"content_type"`
		Errors      []Entry `json:"errors"`
	}{s.Name, s.ContentType, s.reference(cat)})
	return b
}
