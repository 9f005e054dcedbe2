package browsertest

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/apierror/apierror/errresp"
)

// TestServiceCodesSection: a service's declared codes have entries of their
// own, in their own section after the style's codes, listed in the
// contents, with the declaration's causes and resolution, and the page
// still passes axe-core. (The declaration is process-wide; the other tests
// of this package read the example's pages, in processes of their own.)
func TestServiceCodesSection(t *testing.T) {
	browser := newBrowser(t)
	errresp.DeclareCodes(errresp.ServiceCode{Code: "VM_LOCKED", Kind: errresp.Conflict, Status: 423,
		Title: "The VM is locked by another operation.", Description: "Another operation holds the virtual machine.",
		Causes: []string{"A resize or snapshot is running"}, Resolution: "Wait for the operation to end, then send the request again."})
	srv := httptest.NewServer(errresp.GPCN().ReferenceHandler())
	defer srv.Close()

	tb := newTab(t, browser)
	tb.do(t, chromedp.Navigate(srv.URL+"/errors#VM_LOCKED"))
	if requests, problems := tb.recorded(); len(problems) > 0 || !slices.Equal(requests, []string{srv.URL + "/errors"}) {
		t.Errorf("requests %q, problems %q", requests, problems)
	}
	section := eval[struct {
		Heading string   `json:"heading"`
		Codes   []string `json:"codes"`
		Listed  bool     `json:"listed"`
		Target  string   `json:"target"`
	}](t, tb, `(() => {
		const s = document.getElementById('ref-service');
		return {
			heading: s.textContent,
			codes: [...s.parentElement.querySelectorAll('article.entry h3 code')].map(c => c.textContent),
			listed: !!document.querySelector('nav a[href="#VM_LOCKED"]'),
			target: document.querySelector(':target')?.id || '',
		};
	})()`)
	if section.Heading != "This service's codes" || !slices.Equal(section.Codes, []string{"VM_LOCKED"}) || !section.Listed || section.Target != "VM_LOCKED" {
		t.Errorf("the service's section: %+v", section)
	}
	entries := eval[[]entry](t, tb, entriesJS)
	last := entries[len(entries)-1]
	if last.Code != "VM_LOCKED" || !slices.Equal(last.Causes, []string{"A resize or snapshot is running"}) ||
		last.Resolution != "Wait for the operation to end, then send the request again." ||
		last.Meaning != "Another operation holds the virtual machine." || !strings.Contains(last.Text, "423 Locked") {
		t.Errorf("the declared code's entry: %+v", last)
	}
	checkAxe(t, tb, "light")
}
