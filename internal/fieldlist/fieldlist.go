// Package fieldlist splits the comma- and semicolon-separated lists of HTTP
// header fields (RFC 9110's lists, Structured Fields' lists and parameters)
// without splitting inside quoted strings. middleware reads Accept with it,
// client the RateLimit field.
package fieldlist

// Cut splits the first element off a sep-separated list (',' between
// members, ';' between parameters), keeping separators inside quoted
// strings, where a backslash escapes the next byte.
func Cut(s string, sep byte) (elem, rest string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
