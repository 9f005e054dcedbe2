package errresp

import "strings"

// ProblemReference makes every problem's "type" the URL of the style's
// reference page (pageURL, where Style.ReferenceHandler or
// ReferenceHandler is mounted, such as "https://api.example.com/errors")
// with the anchor of the problem's code: "https://api.example.com/errors#not_found",
// or "#VM_LOCKED" for a declared code. So, as RFC 9457 section 3.1.1
// recommends, dereferencing a problem's type gives its documentation: a
// browser that follows it opens the page scrolled to the entry (meaning,
// causes, resolution, retry advice). The title is the kind's summary, as
// with a type base. It overrides NewProblem's typeBase; ProblemQuotaExceeded
// still types RateLimited with the draft's URI. It panics when pageURL is
// empty or already has a fragment.
//
//	problem := errresp.NewProblem("", errresp.ProblemReference("https://api.example.com/errors"))
//	r.Use(middleware.Style(problem))
//	r.Get("/errors", problem.ReferenceHandler().ServeHTTP)
func ProblemReference(pageURL string) ProblemOption {
	if pageURL == "" || strings.Contains(pageURL, "#") {
		panic("errresp: ProblemReference needs a page URL without a fragment")
	}
	return func(c *problemConfig) { c.reference = pageURL }
}

// referenceCode is the code whose entry a problem's type leads to: the
// error's own code when the reference lists it (the style's code for the
// kind, or a declared code), else the style's code for the kind.
func referenceCode(s *Style, env *Envelope) string {
	if env.Code == s.code(env.Kind).Code {
		return env.Code
	}
	if sc, ok := declared(env.Code); ok && sc.Kind == env.Kind {
		return env.Code
	}
	return s.code(env.Kind).Code
}
