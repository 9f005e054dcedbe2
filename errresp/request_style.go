package errresp

import "net/http"

// WithStyle makes s the style failures of r are written in. The innermost
// call wins, so a route group may override the router's style.
func WithStyle(r *http.Request, s *Style) *http.Request {
	st, r := stateFor(r)
	st.style = s
	return r
}

// StyleOf returns the style failures of r are written in: the one set with
// WithStyle, or Default.
func StyleOf(r *http.Request) *Style {
	if st := stateFrom(r.Context()); st != nil && st.style != nil {
		return st.style
	}
	return Default
}
