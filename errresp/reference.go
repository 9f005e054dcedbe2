package errresp

import (
	"bytes"
	"encoding/json"
	"net/http"
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
}

// Reference returns the style's error reference: one entry per kind, in
// catalogue order (only the kinds ReferenceKinds names, when it was
// called), with the code and status the style answers it with, the style's
// summary, and whether a client may retry; then one entry per code the
// service declared (DeclareCodes), in declaration order.
func (s *Style) Reference() []Entry {
	cat := currentCatalogue()
	kinds := referenceKinds()
	out := make([]Entry, 0, len(kinds)+len(cat.codes))
	for _, k := range kinds {
		c := s.code(k)
		out = append(out, Entry{Kind: k, Code: c.Code, Status: c.Status, Summary: c.Title, Retryable: k.Retryable()})
	}
	for _, sc := range cat.codes {
		st := sc.Status
		if st == 0 {
			st = s.code(sc.Kind).Status
		}
		out = append(out, Entry{Kind: sc.Kind, Code: sc.Code, Status: st, Summary: sc.Title,
			Retryable: sc.Kind.Retryable(), Description: sc.Description})
	}
	return out
}

// sampleError is the failure the reference pages show as an example.
var sampleError = NewInvalid("The request body failed validation.",
	FieldError{Field: "name", Pointer: "/name", Rule: "min", Param: "3", Message: "name must be at least 3 characters long"})

// ReferenceMarkdown returns the style's error reference as a Markdown page: the
// envelope with an example, then a quick reference table of every code with
// its status and summary, then the retry advice.
func (s *Style) ReferenceMarkdown() []byte {
	var b bytes.Buffer
	ct := s.ContentType
	if ct == "" {
		ct = "application/json"
	}
	b.WriteString("# Error reference: " + s.Name + "\n\n")
	b.WriteString("Every error response has the Content-Type `" + ct + "`, an `X-Request-ID` header, " +
		"and a JSON body of this shape:\n\n```json\n")
	body, _ := Render(s, sampleError, "req_01HZX3Q9")
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") == nil {
		b.Write(bytes.TrimSpace(pretty.Bytes()))
	} else {
		b.Write(bytes.TrimSpace(body))
	}
	b.WriteString("\n```\n\n## Quick Reference Table\n\n")
	b.WriteString("| Error Code | Status | Summary | Kind | Retry |\n|---|---|---|---|---|\n")
	for _, e := range s.Reference() {
		retry := "no"
		if e.Retryable {
			retry = "yes"
		}
		b.WriteString("| " + mdCell(e.Code) + " | " + strconv.Itoa(e.Status) + " | " + mdCell(e.Summary) +
			" | " + e.Kind.String() + " | " + retry + " |\n")
	}
	if codes := currentCatalogue().codes; len(codes) > 0 {
		b.WriteString("\n## The service's own codes\n\n")
		for _, c := range codes {
			b.WriteString("- **" + mdCell(c.Code) + "** (" + c.Kind.String() + "): " + mdCell(c.Title))
			if c.Description != "" {
				b.WriteString(" " + mdCell(c.Description))
			}
			b.WriteString("\n")
		}
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

// ReferenceHandler serves the error reference of the style the request's
// failures are written in (StyleOf): as JSON (ReferenceJSON) when the Accept
// header names a JSON media type, else as Markdown (ReferenceMarkdown). Mount
// it where clients and people look for the API's error codes, such as
// GET /errors.
func ReferenceHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := StyleOf(r)
		h := w.Header()
		h.Set("Vary", "Accept")
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.Contains(r.Header.Get("Accept"), "json") {
			h.Set("Content-Type", "application/json")
			_, _ = w.Write(s.ReferenceJSON())
			return
		}
		h.Set("Content-Type", "text/markdown; charset=utf-8")
		_, _ = w.Write(s.ReferenceMarkdown())
	})
}

// ReferenceJSON returns the style's error reference as JSON:
// {"style":..., "content_type":..., "errors":[{"kind","code","status","summary","retryable"}...]}.
func (s *Style) ReferenceJSON() []byte {
	b, _ := json.Marshal(struct {
		Style       string  `json:"style"`
		ContentType string  `json:"content_type"`
		Errors      []Entry `json:"errors"`
	}{s.Name, s.ContentType, s.Reference()})
	return b
}
