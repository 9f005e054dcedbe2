package errresp

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// referencePages is a style's reference in its three forms, rendered for
// one catalogue (the service's declarations) and kept until it changes.
type referencePages struct {
	cat                     *catalogue
	html, md, json          []byte
	htmlTag, mdTag, jsonTag string // strong ETags
}

// referencePages returns the style's pages for the current catalogue,
// rendering them when the declarations changed since they were last
// rendered (in practice once, at the first request).
func (s *Style) referencePages() *referencePages {
	cat := currentCatalogue()
	if p := s.pages.Load(); p != nil && p.cat == cat {
		return p
	}
	p := &referencePages{cat: cat, html: s.renderHTML(cat), md: s.markdown(cat), json: s.referenceJSON(cat)}
	p.htmlTag, p.mdTag, p.jsonTag = etag(p.html), etag(p.md), etag(p.json)
	s.pages.Store(p)
	return p
}

func etag(b []byte) string {
	h := sha256.Sum256(b)
	return `"` + hex.EncodeToString(h[:12]) + `"`
}

// ReferenceHandler serves the error reference of the style the request's
// failures are written in (StyleOf); see Style.ReferenceHandler. Mount it
// where clients and people look for the API's error codes, such as
// GET /errors.
func ReferenceHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		StyleOf(r).serveReference(w, r)
	})
}

// ReferenceHandler serves the style's error reference, whatever the
// request's style: as an HTML page (ReferenceHTML) to a browser, whose
// Accept header prefers text/html; as JSON (ReferenceJSON) when Accept
// prefers a JSON media type; else as Markdown (ReferenceMarkdown). The
// page is rendered once and served with a strong ETag (If-None-Match gives
// 304), Vary: Accept, and on HTML a Content-Security-Policy that lets the
// page load nothing and apply only its own style sheet. Methods other than
// GET and HEAD get a 405 envelope. The pages are rendered when the handler
// is made, and again only if DeclareCodes or ReferenceKinds change the
// declarations afterwards. Mount it at the URL given to
// ProblemReference so that problem types lead to it.
func (s *Style) ReferenceHandler() http.Handler {
	s.referencePages() // rendered now, at start-up, rather than on the first request
	return http.HandlerFunc(s.serveReference)
}

func (s *Style) serveReference(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		_, _ = Write(w, r, New(MethodNotAllowed, "").WithHeader("Allow", "GET, HEAD"))
		return
	}
	p := s.referencePages()
	h := w.Header()
	h.Set("Vary", "Accept")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	body, tag := p.md, p.mdTag
	switch referenceFormat(r.Header.Values("Accept")) {
	case formatHTML:
		body, tag = p.html, p.htmlTag
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", referenceCSP)
		h.Set("Referrer-Policy", "no-referrer")
	case formatJSON:
		body, tag = p.json, p.jsonTag
		h.Set("Content-Type", "application/json")
	default:
		h.Set("Content-Type", "text/markdown; charset=utf-8")
	}
	h.Set("ETag", tag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == "*" || strings.Contains(inm, tag)) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

const (
	formatMarkdown = iota
	formatHTML
	formatJSON
)

// referenceFormat picks the form the Accept header prefers: the media range
// with the highest quality that names HTML (text/html,
// application/xhtml+xml), JSON (any type with "json" in it) or Markdown
// (text/markdown); a tie goes to JSON, then HTML. Wildcards and a missing
// header give Markdown.
func referenceFormat(accept []string) int {
	best, bestQ := formatMarkdown, 0.0
	for _, line := range accept {
		for _, rng := range strings.Split(line, ",") {
			params := strings.Split(rng, ";")
			mt := strings.ToLower(strings.TrimSpace(params[0]))
			q := 1.0
			for _, p := range params[1:] {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(k, "q") {
					if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
						q = f
					}
				}
			}
			f := -1
			switch {
			case mt == "text/html" || mt == "application/xhtml+xml":
				f = formatHTML
			case strings.Contains(mt, "json"):
				f = formatJSON
			case mt == "text/markdown":
				f = formatMarkdown
			}
			if f < 0 || q == 0 {
				continue
			}
			if q > bestQ || q == bestQ && f > best {
				best, bestQ = f, q
			}
		}
	}
	return best
}
