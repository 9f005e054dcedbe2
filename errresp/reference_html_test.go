package errresp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Every code of every style has an entry whose id is its anchor, listed in
// the table of contents, and the page refers to nothing outside itself.
func TestReferenceHTMLEntries(t *testing.T) {
	t.Parallel()
	external := regexp.MustCompile(`(?i)(src|href|action)\s*=\s*"(?:[a-z]+:|//)|@import|url\(`)
	for _, s := range Styles() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			page := string(s.ReferenceHTML())
			for _, e := range s.Reference() {
				a := Anchor(e.Code)
				if !strings.Contains(page, `<article class="entry" id="`+a+`">`) {
					t.Errorf("no entry for %s", e.Code)
				}
				if !strings.Contains(page, `<a href="#`+a+`">`) {
					t.Errorf("contents do not list %s", e.Code)
				}
			}
			if m := external.FindString(page); m != "" {
				t.Errorf("page refers outside itself: %q", m)
			}
			if strings.Contains(page, "<script") || strings.Contains(page, " style=") {
				t.Error("page has a script or an inline style attribute")
			}
		})
	}
}

// The Content-Security-Policy allows the page's one style sheet by its hash
// and nothing else.
func TestReferenceCSP(t *testing.T) {
	t.Parallel()
	page := GPCN().ReferenceHTML()
	_, rest, _ := bytes.Cut(page, []byte("<style>"))
	css, _, _ := bytes.Cut(rest, []byte("</style>"))
	h := sha256.Sum256(css)
	want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	if !strings.Contains(referenceCSP, want) || !strings.HasPrefix(referenceCSP, "default-src 'none';") {
		t.Errorf("CSP %q does not allow the style sheet by %s", referenceCSP, want)
	}
	if bytes.Count(page, []byte("<style>")) != 1 {
		t.Error("the page has more than one style element")
	}
}

// The page is rendered once per set of declarations: the same bytes come
// back until DeclareCodes changes them, and the declared code gets an entry
// in the service's section with its own causes.
func TestReferenceRenderOnce(t *testing.T) {
	withCatalogue(t, func() {
		p1, p2 := AuthPI().ReferenceHTML(), AuthPI().ReferenceHTML()
		if &p1[0] != &p2[0] {
			t.Error("the page was rendered twice for one catalogue")
		}
		if bytes.Contains(p1, []byte(`id="ref-service"`)) {
			t.Error("a service without declarations has a section for them")
		}
		DeclareCodes(ServiceCode{Code: "VM_LOCKED", Kind: Conflict, Status: 423, Title: "Locked",
			Description: "Another operation holds the VM.", Causes: []string{"A resize is running"}, Resolution: "Wait for it."})
		p3 := string(AuthPI().ReferenceHTML())
		_, service, ok := strings.Cut(p3, `id="ref-service"`)
		if !ok || !strings.Contains(service, `<article class="entry" id="VM_LOCKED">`) ||
			!strings.Contains(service, "<li>A resize is running</li>") || !strings.Contains(service, "Wait for it.") ||
			!strings.Contains(service, "423 Locked") {
			t.Errorf("declared code's entry missing or incomplete:\n%s", service)
		}
	})
}

func TestReferenceHandlerNegotiation(t *testing.T) {
	t.Parallel()
	h := GPCN().ReferenceHandler()
	for _, tc := range []struct{ accept, ct string }{
		{"", "text/markdown; charset=utf-8"},
		{"*/*", "text/markdown; charset=utf-8"},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html; charset=utf-8"},
		{"application/json", "application/json"},
		{"text/html;q=0.5, application/json", "application/json"},
		{"application/json;q=0.2, text/html", "text/html; charset=utf-8"},
		{"text/markdown, text/html;q=0.9", "text/markdown; charset=utf-8"},
		{"text/html;q=0", "text/markdown; charset=utf-8"},
		{"text/html;q=abc", "text/html; charset=utf-8"},
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/errors", nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		h.ServeHTTP(rec, r)
		if got := rec.Header().Get("Content-Type"); rec.Code != 200 || got != tc.ct {
			t.Errorf("Accept %q: %d %q, want %q", tc.accept, rec.Code, got, tc.ct)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		if (tc.ct == "text/html; charset=utf-8") != (csp == referenceCSP) {
			t.Errorf("Accept %q: CSP %q", tc.accept, csp)
		}
	}
}

// A client that has the page gets 304; other methods get a 405 envelope in
// the request's style.
func TestReferenceHandlerCaching(t *testing.T) {
	t.Parallel()
	h := Gcore().ReferenceHandler()
	r := httptest.NewRequest("GET", "/errors", nil)
	r.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	tag := rec.Header().Get("ETag")
	if tag == "" || rec.Body.Len() != len(Gcore().ReferenceHTML()) {
		t.Fatalf("ETag %q, body %d bytes", tag, rec.Body.Len())
	}
	r.Header.Set("If-None-Match", tag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d with %d bytes", rec.Code, rec.Body.Len())
	}
	// The Markdown form has a tag of its own.
	r.Header.Set("Accept", "text/markdown")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 200 || rec.Header().Get("ETag") == tag {
		t.Errorf("Markdown under the HTML's tag: %d %q", rec.Code, rec.Header().Get("ETag"))
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/errors", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" || !strings.Contains(rec.Body.String(), `"code":"method_not_allowed"`) {
		t.Errorf("POST: %d %q %s", rec.Code, rec.Header().Get("Allow"), rec.Body)
	}
}

func TestAnchor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"AUTH-401": "AUTH-401", "not_found": "not_found", "VM LOCKED": "VM-LOCKED",
		`a"b<c>`: "a-b-c-", "": "code", "v1.2": "v1.2", "é": "--",
	} {
		if got := Anchor(in); got != want {
			t.Errorf("Anchor(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkReferenceHandler: serving the page is a header map and one
// write of bytes rendered once; "bytes" is the page's size.
func BenchmarkReferenceHandler(b *testing.B) {
	for _, s := range []*Style{Problem(), GPCN(), DevDocs(), Gcore(), AuthPI()} {
		b.Run(s.Name, func(b *testing.B) {
			h := s.ReferenceHandler()
			r := httptest.NewRequest("GET", "/errors", nil)
			r.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(&discard{h: http.Header{}}, r)
			}
			b.ReportMetric(float64(len(s.ReferenceHTML())), "page-bytes")
		})
	}
}
