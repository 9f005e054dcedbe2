package errresp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"strings"
)

// referenceCSS is the page's one style sheet, inline so that the page loads
// nothing from anywhere; referenceCSP allows it by its hash and nothing
// else. It has a dark scheme (prefers-color-scheme) and a print layout;
// every colour pair meets WCAG AA contrast.
const referenceCSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#4d4d4d;--link:#0b57d0;--line:#c4c4c4;--code:#f3f3f3;--mark:#fff3cd;--accent:#8a1c14}
@media (prefers-color-scheme:dark){:root{--bg:#121417;--fg:#e8e8e8;--muted:#bdbdbd;--link:#9cc3ff;--line:#44484d;--code:#1f2327;--mark:#3a3218;--accent:#ffb4ab}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--link)}
a:focus-visible{outline:3px solid var(--link);outline-offset:2px}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;overflow-x:auto}
.skip{position:absolute;left:-100vw;top:0;background:var(--bg);color:var(--link);padding:.5rem 1rem}
.skip:focus{left:0}
.page{display:grid;grid-template-columns:minmax(13rem,17rem) minmax(0,1fr);gap:2rem;max-width:78rem;margin:0 auto;padding:0 1.5rem}
.page>header{grid-column:1/-1;border-bottom:1px solid var(--line);padding:1.5rem 0 1rem}
h1{margin:0 0 .25rem;font-size:1.9rem}
h2{margin:2rem 0 1rem;font-size:1.45rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{margin:0 0 .5rem;font-size:1.2rem}
h4{margin:1rem 0 .25rem;font-size:1rem}
.lead{color:var(--muted);margin:0}
nav{position:sticky;top:0;align-self:start;max-height:100vh;overflow-y:auto;padding:1rem 0;font-size:.92rem}
nav h2{margin-top:0;font-size:1.1rem}
nav p{margin:1rem 0 .25rem;font-weight:600}
nav ol{list-style:none;margin:0;padding:0}
nav li{margin:.15rem 0}
nav a{display:block;padding:.1rem .25rem;border-radius:4px;text-decoration:none}
nav a:hover{text-decoration:underline}
.status{display:inline-block;min-width:2.6em;font-variant-numeric:tabular-nums;color:var(--muted)}
main{min-width:0;padding-bottom:3rem}
.entry{border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin:0 0 1.25rem;scroll-margin-top:1rem}
.entry:target{background:var(--mark);border-color:var(--accent);box-shadow:0 0 0 2px var(--accent)}
.entry h3 code{font-size:1em}
.facts{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;margin:.25rem 0 .5rem}
.facts div{display:flex;gap:.4rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;font-weight:600}
.entry ul{margin:.25rem 0;padding-left:1.4rem}
.entry p{margin:.25rem 0}
.top{font-size:.9rem}
footer{grid-column:1/-1;border-top:1px solid var(--line);color:var(--muted);padding:1rem 0 2rem;font-size:.9rem}
@media (max-width:50rem){.page{display:block}nav{position:static;max-height:none}}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#333;--link:#000;--line:#999;--code:#fff;--mark:#fff;--accent:#000}
.page{display:block;max-width:none;padding:0}
nav,.skip,.top{display:none}
.entry{break-inside:avoid;box-shadow:none}
pre{white-space:pre-wrap;overflow:visible}
a{text-decoration:none}
}
`

// referenceCSP is the Content-Security-Policy the HTML page is served
// under: nothing may load, connect, frame it or run, and only its own style
// sheet, by hash, applies.
var referenceCSP = "default-src 'none'; style-src '" + cssHash(referenceCSS) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func cssHash(css string) string {
	h := sha256.Sum256([]byte(css))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// htmlEntry is one code as the page shows it.
type htmlEntry struct {
	codeGroup
	StatusText string
	KindNames  string
	Example    string
}

var referenceTemplate = template.Must(template.New("ref").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Error reference ({{.Style}})</title>
<style>{{.CSS}}</style>
</head>
<body>
<a class="skip" href="#ref-main">Skip to the error codes</a>
<div class="page">
<header>
<h1>Error reference</h1>
<p class="lead">Every error this API answers with, in its <strong>{{.Style}}</strong> style: the HTTP status, what it means, its common causes, how to resolve it and whether to retry.</p>
</header>
<nav aria-labelledby="ref-toc">
<h2 id="ref-toc">Contents</h2>
<ol>
<li><a href="#ref-format">Response format</a></li>
<li><a href="#ref-retrying">Retrying</a></li>
</ol>
<p id="ref-toc-codes">Error codes</p>
<ol aria-labelledby="ref-toc-codes">
{{range .Entries}}<li><a href="#{{.Anchor}}"><span class="status">{{.Status}}</span> <code>{{.Code}}</code></a></li>
{{end}}</ol>
{{if .Declared}}<p id="ref-toc-service">This service's codes</p>
<ol aria-labelledby="ref-toc-service">
{{range .Declared}}<li><a href="#{{.Anchor}}"><span class="status">{{.Status}}</span> <code>{{.Code}}</code></a></li>
{{end}}</ol>
{{end}}</nav>
<main id="ref-main">
<section aria-labelledby="ref-format">
<h2 id="ref-format">Response format</h2>
<p>Every error response has the status of its code, the Content-Type <code>{{.ContentType}}</code>, an <code>X-Request-ID</code> header (quote it to support) and a JSON body of this shape:</p>
<pre tabindex="0" aria-label="Example error response"><code>{{.Envelope}}</code></pre>
</section>
<section aria-labelledby="ref-codes">
<h2 id="ref-codes">Error codes</h2>
{{range .Entries}}{{template "entry" .}}{{end}}</section>
{{if .Declared}}<section aria-labelledby="ref-service">
<h2 id="ref-service">This service's codes</h2>
<p>Codes of this service's own. Each refines one of the codes above: a client that does not know it may act on that kind.</p>
{{range .Declared}}{{template "entry" .}}{{end}}</section>
{{end}}<section aria-labelledby="ref-retrying">
<h2 id="ref-retrying">Retrying</h2>
<p>Retry a 429 after the delay the <code>Retry-After</code> header gives; retry a 5xx with exponential backoff (for example 1 to 5 seconds, up to 3 times). Do not retry other 4xx answers unchanged: fix the request first. A capacity failure may succeed with another region or size.</p>
</section>
</main>
<footer>
<p>Machine-readable forms of this page: send <code>Accept: application/json</code> for JSON, <code>Accept: text/markdown</code> for Markdown.</p>
</footer>
</div>
</body>
</html>
{{define "entry"}}<article class="entry" id="{{.Anchor}}">
<h3><code>{{.Code}}</code> {{.Title}}</h3>
<dl class="facts">
<div><dt>HTTP status</dt><dd>{{.Status}} {{.StatusText}}</dd></div>
<div><dt>Kind</dt><dd>{{.KindNames}}</dd></div>
<div><dt>Retry</dt><dd>{{if .Retry}}Yes{{else}}No{{end}}</dd></div>
</dl>
<p class="meaning">{{.Doc.Meaning}}</p>
{{if .Doc.Causes}}<h4>Common causes</h4>
<ul class="causes">
{{range .Doc.Causes}}<li>{{.}}</li>
{{end}}</ul>
{{end}}<h4>Resolution</h4>
<p class="resolution">{{.Doc.Resolution}}</p>
<h4>Retrying</h4>
<p class="retry">{{.Doc.Retry}}</p>
<h4>Example</h4>
<pre tabindex="0" aria-label="Example {{.Code}} response"><code>{{.Example}}</code></pre>
<p class="top"><a href="#ref-toc">Back to contents</a></p>
</article>
{{end}}`))

// ReferenceHTML returns the style's error reference as one self-contained
// HTML page: a table of contents, the envelope's shape, then an entry per
// code (status, title, kinds, meaning, common causes, resolution, retry
// advice and an example envelope), each with its Anchor as its id, the
// service's declared codes in a section of their own, and the retry rules.
// It loads nothing (its style sheet is inline, it has no script), has a
// dark scheme and a print layout, and is meant to be served under the
// Content-Security-Policy that ReferenceHandler sends. The page is rendered
// once per set of declarations (DeclareCodes, ReferenceKinds) and kept; the
// returned slice must not be modified.
func (s *Style) ReferenceHTML() []byte { return s.referencePages().html }

// renderHTML renders the page for the catalogue cat.
func (s *Style) renderHTML(cat *catalogue) []byte {
	anchors := map[string]bool{}
	for _, id := range []string{"ref-main", "ref-toc", "ref-toc-codes", "ref-toc-service", "ref-format", "ref-codes", "ref-service", "ref-retrying"} {
		anchors[id] = true
	}
	kinds, declaredCodes := s.groups(cat, anchors)
	entries := func(gs []codeGroup) []htmlEntry {
		out := make([]htmlEntry, len(gs))
		for i, g := range gs {
			names := make([]string, len(g.Kinds))
			for j, k := range g.Kinds {
				names[j] = k.String()
			}
			e := &Error{Kind: g.Kinds[0]}
			switch {
			case g.Declared != nil:
				e.Code = g.Declared.Code
			case g.Kinds[0] == InvalidRequest:
				e = sampleError // with its field errors
			}
			out[i] = htmlEntry{codeGroup: g, StatusText: statusText(g.Status), KindNames: strings.Join(names, ", "),
				Example: s.example(e)}
		}
		return out
	}
	var b bytes.Buffer
	err := referenceTemplate.Execute(&b, map[string]any{
		"Style":       s.Name,
		"ContentType": s.contentType(),
		"CSS":         template.CSS(referenceCSS),
		"Envelope":    s.example(sampleError),
		"Entries":     entries(kinds),
		"Declared":    entries(declaredCodes),
	})
	if err != nil {
		// The template and its data are the package's own: a failure is a bug.
		panic("errresp: reference page: " + err.Error())
	}
	return b.Bytes()
}

// example returns the envelope e renders to in the style, indented, with
// an example request id.
func (s *Style) example(e *Error) string {
	body, _ := Render(s, e, "req_01HZX3Q9")
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") != nil {
		return string(bytes.TrimSpace(body))
	}
	return pretty.String()
}

func (s *Style) contentType() string {
	if s.ContentType == "" {
		return "application/json"
	}
	return s.ContentType
}
