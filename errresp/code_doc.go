package errresp

import (
	"slices"
	"strconv"
)

// CodeDoc is what a reference page says about one code: what it means, its
// common causes, how to resolve it and whether and how to retry. A style's
// Docs give it per kind; an empty field takes the library's text for the
// kind.
type CodeDoc struct {
	// Meaning says what the code means, in a sentence or two.
	Meaning string `json:"meaning,omitempty"`
	// Causes lists the common causes, one short phrase each.
	Causes []string `json:"causes,omitempty"`
	// Resolution says what the caller should do about it.
	Resolution string `json:"resolution,omitempty"`
	// Retry says whether sending the request again may succeed, and how:
	// "No: ..." or "Yes, ...".
	Retry string `json:"retry,omitempty"`
}

// Doc returns what the style's reference says about kind k: the style's
// own Docs for it, field by field, over the library's text for the kind.
func (s *Style) Doc(k Kind) CodeDoc {
	if k == Unknown || k >= kindEnd {
		k = Internal
	}
	d := kindDocs[k]
	d.Retry = retryAdvice(k)
	if o, ok := s.Docs[k]; ok {
		d = overlay(d, o)
	}
	return d
}

// overlay returns d with o's non-empty fields in place of its own.
func overlay(d, o CodeDoc) CodeDoc {
	if o.Meaning != "" {
		d.Meaning = o.Meaning
	}
	if len(o.Causes) > 0 {
		d.Causes = o.Causes
	}
	if o.Resolution != "" {
		d.Resolution = o.Resolution
	}
	if o.Retry != "" {
		d.Retry = o.Retry
	}
	return d
}

// codeGroup is one code of a style's reference page: the kinds the style
// answers with it and what the page says about it.
type codeGroup struct {
	Code   string
	Status int
	Title  string
	Kinds  []Kind
	Doc    CodeDoc
	Retry  bool // a request that failed with it may succeed if sent again
	Anchor string
	// Declared is the service's declaration, for a code of its own.
	Declared *ServiceCode
}

// groups returns the style's codes for the reference pages, in catalogue
// order: one per distinct code (DevDocs answers seven kinds with AUTH-401),
// then one per declared code. anchors holds the ids already taken on the
// page; each entry's anchor is added to it. A shared code's doc merges its
// kinds' docs: the style's own where any of them has one, else the
// library's.
func (s *Style) groups(cat *catalogue, anchors map[string]bool) (kinds, declaredCodes []codeGroup) {
	index := map[string]int{}
	ks := cat.kinds
	if ks == nil {
		ks = Kinds()
	}
	for _, k := range ks {
		c := s.code(k)
		if i, ok := index[c.Code]; ok {
			kinds[i].Kinds = append(kinds[i].Kinds, k)
			continue
		}
		index[c.Code] = len(kinds)
		kinds = append(kinds, codeGroup{Code: c.Code, Status: c.Status, Title: c.Title, Kinds: []Kind{k}, Retry: k.Retryable()})
	}
	for i := range kinds {
		g := &kinds[i]
		g.Doc = s.groupDoc(g.Kinds)
		g.Anchor = uniqueAnchor(anchors, g.Code)
	}
	for _, sc := range cat.codes {
		st := sc.Status
		if st == 0 {
			st = s.code(sc.Kind).Status
		}
		declaredCodes = append(declaredCodes, codeGroup{Code: sc.Code, Status: st, Title: sc.Title, Kinds: []Kind{sc.Kind},
			Doc: s.declaredDoc(sc), Retry: sc.Kind.Retryable(), Anchor: uniqueAnchor(anchors, sc.Code), Declared: &sc})
	}
	return kinds, declaredCodes
}

// declaredDoc is what the reference says about a declared code: its
// declaration's text over the style's for its kind.
func (s *Style) declaredDoc(sc ServiceCode) CodeDoc {
	return overlay(s.Doc(sc.Kind), CodeDoc{Meaning: sc.Description, Causes: sc.Causes, Resolution: sc.Resolution, Retry: sc.Retry})
}

// groupDoc merges the docs of kinds that share a code: the first meaning
// and retry advice, every distinct cause and resolution in order. Only the
// style's own Docs count when any of the kinds has one, so a code the
// style's page documents reads as the page does.
func (s *Style) groupDoc(kinds []Kind) CodeDoc {
	if len(kinds) == 1 {
		return s.Doc(kinds[0])
	}
	own := slices.ContainsFunc(kinds, func(k Kind) bool { _, ok := s.Docs[k]; return ok })
	var out CodeDoc
	var resolutions []string
	for _, k := range kinds {
		d := s.Doc(k)
		if own {
			o, ok := s.Docs[k]
			if !ok {
				continue
			}
			d = overlay(CodeDoc{}, o)
		}
		if out.Meaning == "" {
			out.Meaning = d.Meaning
		}
		if out.Retry == "" {
			out.Retry = d.Retry
		}
		for _, c := range d.Causes {
			if !slices.Contains(out.Causes, c) {
				out.Causes = append(out.Causes, c)
			}
		}
		if d.Resolution != "" && !slices.Contains(resolutions, d.Resolution) {
			resolutions = append(resolutions, d.Resolution)
		}
	}
	for i, r := range resolutions {
		if i > 0 {
			out.Resolution += " "
		}
		out.Resolution += r
	}
	// A field no own doc gives comes from the first kind's library text.
	return overlay(s.Doc(kinds[0]), out)
}

// Anchor returns the fragment identifier of code's entry on the reference
// pages (ReferenceHTML), without the "#": the code itself, with every
// character other than ASCII letters, digits, '-', '_' and '.' replaced by
// '-'. A problem style made with ProblemReference links its types to it.
func Anchor(code string) string {
	b := []byte(code)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "code"
	}
	return string(b)
}

// uniqueAnchor returns code's anchor, suffixed when an earlier entry has it.
func uniqueAnchor(seen map[string]bool, code string) string {
	a := Anchor(code)
	for i := 2; seen[a]; i++ {
		a = Anchor(code) + "-" + strconv.Itoa(i)
	}
	seen[a] = true
	return a
}
