package middleware

import (
	"strings"

	"github.com/apierror/apierror/internal/fieldlist"
)

// acceptQuality returns the quality, in thousandths (0 to 1000), that the
// Accept header values give the media type ct (such as
// "application/problem+json"): the q of the most specific matching range
// (type/subtype over type/* over */*), per RFC 9110 section 12.5.1. A range
// with parameters other than q matches only a ct with the same parameters,
// which ours never have, so it is skipped. Malformed elements are skipped;
// a header with no usable element gives 0 to every type, so a caller keeps
// its default. It does not allocate.
func acceptQuality(values []string, ct string) int {
	typ, sub, _ := strings.Cut(ct, "/")
	bestSpec, bestQ := -1, 0
	for _, v := range values {
		for len(v) > 0 {
			var elem string
			elem, v = fieldlist.Cut(v, ',')
			mt, params, _ := strings.Cut(elem, ";")
			mt = strings.TrimSpace(mt)
			rt, rs, ok := strings.Cut(mt, "/")
			if !ok || !acceptToken(rt) || !acceptToken(rs) || rt == "*" && rs != "*" {
				continue
			}
			spec := 0
			switch {
			case rt == "*":
			case !strings.EqualFold(rt, typ):
				continue
			case rs == "*":
				spec = 1
			case !strings.EqualFold(rs, sub):
				continue
			default:
				spec = 2
			}
			q, ok := acceptParams(params)
			if !ok || spec < bestSpec {
				continue
			}
			if spec > bestSpec || q > bestQ {
				bestSpec, bestQ = spec, q
			}
		}
	}
	return bestQ
}

// acceptParams parses a media range's parameters and returns its q in
// thousandths (1000 when absent). ok is false when the range is malformed or
// carries a parameter other than q before it (a range we never match).
// Accept extensions after q are allowed and ignored.
func acceptParams(params string) (q int, ok bool) {
	q = 1000
	for params != "" {
		var p string
		p, params = fieldlist.Cut(params, ';')
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		name, val, hasVal := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !hasVal || !acceptToken(name) {
			return 0, false
		}
		if !strings.EqualFold(name, "q") {
			return 0, false
		}
		if q, ok = acceptQValue(strings.TrimSpace(val)); !ok {
			return 0, false
		}
		return q, true // anything after q is an extension
	}
	return q, true
}

// acceptQValue parses an RFC 9110 qvalue ("0", "0.5", "1.000") into
// thousandths.
func acceptQValue(s string) (int, bool) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q, true
	}
	if s[1] != '.' {
		return 0, false
	}
	scale := 100
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// acceptToken reports whether s is a non-empty RFC 9110 token.
func acceptToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}
