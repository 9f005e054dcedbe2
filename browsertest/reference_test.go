package browsertest

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/apierror/apierror/errresp"
)

// entry is one code's entry as the browser shows it.
type entry struct {
	ID         string   `json:"id"`
	Code       string   `json:"code"`
	Meaning    string   `json:"meaning"`
	Causes     []string `json:"causes"`
	Resolution string   `json:"resolution"`
	Retry      string   `json:"retry"`
	Text       string   `json:"text"`
}

const entriesJS = `[...document.querySelectorAll('article.entry')].map(a => ({
	id: a.id,
	code: a.querySelector('h3 code').textContent,
	meaning: a.querySelector('.meaning').textContent,
	causes: [...a.querySelectorAll('.causes li')].map(l => l.textContent),
	resolution: a.querySelector('.resolution').textContent,
	retry: a.querySelector('.retry').textContent,
	text: a.textContent.replace(/\s+/g, ' '),
}))`

var styleNames = []string{"problem", "gpcn", "devdocs", "gcore", "authpi"}

// TestReferencePages opens each style's reference page as the example
// serves it, in a browser: it loads with no console error and no request
// beyond itself, lists every code of the style, shows the provider page's
// own words, prints without its navigation, and passes axe-core in light
// and dark schemes. Screenshots of each are kept in the artifacts folder.
func TestReferencePages(t *testing.T) {
	browser := newBrowser(t)
	for _, name := range styleNames {
		t.Run(name, func(t *testing.T) {
			style, _ := errresp.StyleNamed(name)
			base := startExample(t, "-style", name)
			tb := newTab(t, browser)
			tb.recorded()
			tb.do(t, chromedp.Navigate(base+"/errors"))
			requests, problems := tb.recorded()
			if len(problems) > 0 {
				t.Errorf("the page logged:\n%s", strings.Join(problems, "\n"))
			}
			if !slices.Equal(requests, []string{base + "/errors"}) {
				t.Errorf("the page made requests %q, want only its own", requests)
			}

			entries := eval[[]entry](t, tb, entriesJS)
			byCode := map[string]entry{}
			for _, e := range entries {
				byCode[e.Code] = e
			}
			var wantIDs, gotIDs []string
			for _, k := range errresp.Kinds() { // the example declares no codes of its own
				if a := errresp.Anchor(style.Code(k).Code); !slices.Contains(wantIDs, a) {
					wantIDs = append(wantIDs, a)
				}
			}
			for _, e := range entries {
				gotIDs = append(gotIDs, e.ID)
				if e.Meaning == "" || e.Resolution == "" || e.Retry == "" || len(e.Causes) == 0 {
					t.Errorf("%s: incomplete entry %+v", e.Code, e)
				}
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("entries %q, want one per code of the style %q", gotIDs, wantIDs)
			}

			for _, w := range seedWants(t, name) {
				checkSeed(t, byCode, w)
			}

			checkPrint(t, tb)
			tb.screenshot(t, name+"-light")
			checkAxe(t, tb, "light")
			send(t, tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
			checkAxe(t, tb, "dark")
			tb.screenshot(t, name+"-dark")
			if _, problems := tb.recorded(); len(problems) > 0 {
				t.Errorf("the page logged, later:\n%s", strings.Join(problems, "\n"))
			}

			// The type of a problem this example answers (negotiated where
			// the style is not problem) opens its entry, with JavaScript
			// on and off, and the contents links work without it.
			for _, js := range []bool{true, false} {
				tb := newTab(t, browser)
				send(t, tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js})
				typ, code := problemType(t, "GET", base+"/v1/vms", "Accept", "application/problem+json")
				followType(t, tb, typ, code, true)
				if !js {
					if n := len(eval[[]entry](t, tb, entriesJS)); n != len(errresp.Kinds()) {
						t.Errorf("JavaScript off: the problem page shows %d entries, want %d", n, len(errresp.Kinds()))
					}
					tb.do(t, chromedp.Navigate(base+"/errors"))
					link := `nav a[href="#` + wantIDs[len(wantIDs)-1] + `"]`
					tb.do(t, chromedp.ScrollIntoView(chromedp.CSS(link)), chromedp.Click(chromedp.CSS(link)))
					if got := eval[target](t, tb, targetJS); got.ID != wantIDs[len(wantIDs)-1] || got.Top < 0 || got.Top >= got.Height {
						t.Errorf("JavaScript off: the contents link to %s targets %+v", wantIDs[len(wantIDs)-1], got)
					}
					if got := len(eval[[]entry](t, tb, entriesJS)); got != len(wantIDs) {
						t.Errorf("JavaScript off: %d entries, want %d", got, len(wantIDs))
					}
					tb.screenshot(t, name+"-javascript-off")
				}
				if _, problems := tb.recorded(); len(problems) > 0 {
					t.Errorf("JavaScript on %v: the page logged:\n%s", js, strings.Join(problems, "\n"))
				}
			}
		})
	}
}

// followType navigates the tab to a problem's type and checks that the
// entry of its code is the target and in view (scrolled to, when scrolled
// is set).
func followType(t *testing.T, tb *tab, typ, code string, scrolled bool) {
	t.Helper()
	page, anchor, _ := strings.Cut(typ, "#")
	if anchor != errresp.Anchor(code) || !strings.HasSuffix(page, "/errors/problem") {
		t.Fatalf("type %q does not lead to the entry of %s", typ, code)
	}
	tb.do(t, chromedp.Navigate(typ))
	got := eval[target](t, tb, targetJS)
	if got.ID != anchor || got.Code != code {
		t.Errorf("following %s targets %q (%q), want %s", typ, got.ID, got.Code, code)
	}
	if got.Top < 0 || got.Top >= got.Height || (scrolled && got.Scrolled == 0) {
		t.Errorf("following %s: the entry is not in view: top %v of %v, scrolled %v", typ, got.Top, got.Height, got.Scrolled)
	}
}

// checkSeed checks one code's entry against what the provider's page says.
func checkSeed(t *testing.T, byCode map[string]entry, w want) {
	t.Helper()
	e, ok := byCode[w.code]
	if !ok {
		t.Errorf("no entry for %s", w.code)
		return
	}
	if w.meaning != "" && e.Meaning != w.meaning {
		t.Errorf("%s: meaning\n got %q\nwant %q", w.code, e.Meaning, w.meaning)
	}
	if w.causes != nil && !slices.Equal(e.Causes, w.causes) {
		t.Errorf("%s: causes\n got %q\nwant %q", w.code, e.Causes, w.causes)
	}
	if w.resolution != "" && e.Resolution != w.resolution {
		t.Errorf("%s: resolution\n got %q\nwant %q", w.code, e.Resolution, w.resolution)
	}
	for _, p := range w.contains {
		if !strings.Contains(e.Text, p) {
			t.Errorf("%s: the entry lacks %q:\n%s", w.code, p, e.Text)
		}
	}
	for _, p := range w.retry {
		if !strings.Contains(e.Retry, p) {
			t.Errorf("%s: the retry advice %q lacks %q", w.code, e.Retry, p)
		}
	}
}

// checkPrint checks the print layout: no navigation, one column.
func checkPrint(t *testing.T, tb *tab) {
	t.Helper()
	send(t, tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	layout := eval[struct{ Nav, Page string }](t, tb,
		`({nav: getComputedStyle(document.querySelector('nav')).display, page: getComputedStyle(document.querySelector('.page')).display})`)
	if layout.Nav != "none" || layout.Page != "block" {
		t.Errorf("printed, the navigation is %q and the layout %q; want none and block", layout.Nav, layout.Page)
	}
	send(t, tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
}

// violation is one of axe-core's findings.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core (testdata/axe-core, MPL-2.0) in the page, for the
// WCAG 2.x A and AA rules and its best practices, and fails on a serious
// or critical violation; lesser ones are logged.
func checkAxe(t *testing.T, tb *tab, scheme string) {
	t.Helper()
	for _, v := range runAxe(t, tb) {
		msg := scheme + ": axe " + v.Impact + " " + v.ID + ": " + v.Help + "\n  " + strings.Join(v.Nodes, "\n  ")
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// runAxe injects axe-core into the page and returns its violations.
func runAxe(t *testing.T, tb *tab) []violation {
	t.Helper()
	src, err := os.ReadFile("testdata/axe-core/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, tb, string(src)+";\ntypeof axe === 'object'") {
		t.Fatal("axe-core did not load")
	}
	vs := eval[[]violation](t, tb, `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, resultTypes: ['violations']})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.html.slice(0, 160))})))`)
	return vs
}

// problemType asks the example for method url and returns the problem's type and
// code, failing unless the answer is problem details.
func problemType(t *testing.T, method, url string, header ...string) (typ, code string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var p struct{ Type, Code string }
	if resp.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(body, &p) != nil || p.Type == "" {
		t.Fatalf("%s %s: %d %q %s, want problem details", method, url, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	return p.Type, p.Code
}

// targetJS describes the element the URL's fragment targets (:target) and
// where it stands in the viewport.
const targetJS = `(() => {
	const e = document.querySelector(':target');
	if (!e) return {id: '', code: ''};
	const r = e.getBoundingClientRect();
	return {id: e.id, code: e.querySelector('h3 code').textContent, top: r.top, height: innerHeight, scrolled: scrollY};
})()`

type target struct {
	ID       string  `json:"id"`
	Code     string  `json:"code"`
	Top      float64 `json:"top"`
	Height   float64 `json:"height"`
	Scrolled float64 `json:"scrolled"`
}

// TestProblemTypesLead follows the type of real problem responses of the
// example, as a person would: each opens the reference page with the
// problem's entry targeted and scrolled into view, with JavaScript on and
// off. With JavaScript off, the page's contents links still work.
func TestProblemTypesLead(t *testing.T) {
	browser := newBrowser(t)
	problem := startExample(t, "-style", "problem")
	gpcn := startExample(t, "-style", "gpcn")
	cases := []struct {
		name, method, url string
		header            []string
	}{
		{"no credentials", "GET", problem + "/v1/vms", nil},
		{"no route", "GET", problem + "/nowhere", nil},
		{"wrong method", "PATCH", problem + "/healthz", nil},
		{"negotiated on a gpcn service", "GET", gpcn + "/v1/vms", []string{"Accept", "application/problem+json"}},
		{"expired key", "GET", problem + "/v1/vms", []string{"X-API-Key", "demo_expired_7f3a9c1e5b2d40688ac"}},
		{"a legacy handler's http.Error", "GET", problem + "/legacy/report", nil},
	}
	for _, js := range []bool{true, false} {
		mode := "javascript on"
		if !js {
			mode = "javascript off"
		}
		t.Run(mode, func(t *testing.T) {
			tb := newTab(t, browser)
			send(t, tb, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js})
			for i, c := range cases {
				typ, code := problemType(t, c.method, c.url, c.header...)
				tb.recorded()
				// The first entries may be in view without a scroll.
				followType(t, tb, typ, code, i > 0)
				if _, problems := tb.recorded(); len(problems) > 0 {
					t.Errorf("%s: the page logged:\n%s", c.name, strings.Join(problems, "\n"))
				}
				if i == 0 {
					tb.screenshot(t, "problem-target-"+strings.ReplaceAll(mode, " ", "-"))
					if js && *writeReadme {
						readmeScreenshot(t, tb)
					}
				}
			}
			// The table of contents leads to an entry by a plain link.
			link := `nav a[href="#rate_limited"]`
			tb.do(t, chromedp.ScrollIntoView(chromedp.CSS(link)), chromedp.Click(chromedp.CSS(link)))
			got := eval[target](t, tb, targetJS)
			if got.ID != "rate_limited" || got.Top < 0 || got.Top >= got.Height {
				t.Errorf("the contents link to rate_limited targets %+v", got)
			}
		})
	}
}

// TestChecksCanFail shows that the checks above see what they look for: a
// request the page's policy refuses is logged, faint text is a serious
// axe-core violation, and with JavaScript off a script does not run.
func TestChecksCanFail(t *testing.T) {
	browser := newBrowser(t)
	base := startExample(t)
	tb := newTab(t, browser)
	tb.do(t, chromedp.Navigate(base+"/errors"))
	if _, problems := tb.recorded(); len(problems) > 0 {
		t.Fatalf("the page logged:\n%s", strings.Join(problems, "\n"))
	}

	// An image from elsewhere: the Content-Security-Policy refuses it, and
	// the refusal is a problem the tests see.
	eval[bool](t, tb, `document.body.insertAdjacentHTML('beforeend', '<img alt="x" src="`+base+`/healthz">'); true`)
	if !eventually(func() bool { _, p := tb.peek(); return len(p) > 0 }) {
		t.Error("a refused image went unnoticed")
	}
	tb.recorded()

	// Faint text fails WCAG AA contrast.
	eval[bool](t, tb, `document.querySelector('.lead').style.color = '#d8d8d8'; true`)
	found := false
	for _, v := range runAxe(t, tb) {
		found = found || v.ID == "color-contrast" && v.Impact == "serious"
	}
	if !found {
		t.Error("axe-core did not report faint text")
	}

	// With JavaScript off, a page's script does not run.
	off := newTab(t, browser)
	send(t, off, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	off.do(t, chromedp.Navigate("data:text/html,<title>before</title><script>document.title='ran'</script>"))
	if title := eval[string](t, off, "document.title"); title != "before" {
		t.Errorf("with JavaScript off the page's script ran: title %q", title)
	}
}

// eventually reports whether ok becomes true within a few seconds: events
// reach the recorder after the command that caused them returns.
func eventually(ok func() bool) bool {
	for range 50 {
		if ok() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return ok()
}

// readmeScreenshot writes the README's picture of the page: the entry a
// 401's type leads to, in a small window, from an example that names
// itself http://127.0.0.1:8080 as the README's does (the tab is sent to
// where it really listens).
func readmeScreenshot(t *testing.T, tb *tab) {
	t.Helper()
	const readmeBase = "http://127.0.0.1:8080"
	base := startExample(t, "-url", readmeBase)
	typ, _ := problemType(t, "GET", base+"/v1/vms")
	rest, ok := strings.CutPrefix(typ, readmeBase)
	if !ok {
		t.Fatalf("type %q does not name %s", typ, readmeBase)
	}
	tb.do(t, chromedp.EmulateViewport(960, 600), chromedp.Navigate(base+rest))
	png := tb.screenshot(t, "readme")
	if err := os.WriteFile("../docs/reference-page.png", png, 0o644); err != nil {
		t.Fatal(err)
	}
	tb.do(t, chromedp.EmulateViewport(1280, 900))
}
