package middleware

import (
	"net/http"
	"strings"

	"github.com/apierror/apierror/errresp"
)

// IfMatchOption configures IfMatch.
type IfMatchOption func(*ifMatchConfig)

type ifMatchConfig struct {
	required bool
}

// IfMatchRequired makes the If-Match header mandatory on requests with
// methods other than GET, HEAD, OPTIONS and TRACE: one without it is
// answered with PreconditionRequired (428), as RFC 6585 describes for
// avoiding lost updates.
func IfMatchRequired() IfMatchOption {
	return func(c *ifMatchConfig) { c.required = true }
}

// IfMatch evaluates the If-Match precondition (RFC 9110 section 13.1.1)
// against the entity tag current returns for the resource r targets.
//
// current returns the tag in its header form ("\"v7\"" or "W/\"v7\""; a bare
// v7 is taken as the strong tag "\"v7\""), or "" when the resource does not
// exist. An error it returns is written with errresp.Write as it is (a
// NotFound, say). If-Match uses the strong comparison: a weak tag on either
// side never matches. "*" matches any existing resource.
//
// A request whose If-Match matches goes on; one whose does not is answered
// with PreconditionFailed (412); a malformed If-Match with InvalidRequest
// (400). current is called only when the request carries If-Match.
// IfMatch panics when current is nil.
func IfMatch(current func(r *http.Request) (string, error), opts ...IfMatchOption) func(http.Handler) http.Handler {
	if current == nil {
		panic("apierror/middleware: IfMatch needs a function returning the current ETag")
	}
	var c ifMatchConfig
	for _, o := range opts {
		o(&c)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			values := r.Header["If-Match"]
			if len(values) == 0 {
				if c.required && !ifMatchSafeMethod(r.Method) {
					_, _ = errresp.Write(w, r, errresp.New(errresp.PreconditionRequired,
						"This request must be conditional: send If-Match with the resource's current ETag."))
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			tag, err := current(r)
			if err != nil {
				handlerFail(w, r, err)
				return
			}
			switch ifMatchEval(values, tag) {
			case ifMatchMalformed:
				_, _ = errresp.Write(w, r, errresp.New(errresp.InvalidRequest,
					"The If-Match header is malformed: expected * or a list of quoted entity tags."))
			case ifMatchFailed:
				_, _ = errresp.Write(w, r, errresp.New(errresp.PreconditionFailed,
					"If-Match does not match the resource's current ETag."))
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

func ifMatchSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

type ifMatchResult uint8

const (
	ifMatchOK ifMatchResult = iota
	ifMatchFailed
	ifMatchMalformed
)

// ifMatchEval evaluates If-Match header values against the current entity
// tag (header form, bare form, or "" for no resource).
func ifMatchEval(values []string, current string) ifMatchResult {
	cur, curWeak, curOK := ifMatchParseCurrent(current)
	matched, sawStar, sawTag := false, false, false
	for _, v := range values {
		for {
			v = strings.TrimLeft(v, " \t")
			if v == "" {
				break
			}
			if v[0] == ',' { // empty list elements are allowed (RFC 9110 5.6.1)
				v = v[1:]
				continue
			}
			if v[0] == '*' {
				sawStar = true
				v = v[1:]
			} else {
				opaque, weak, rest, ok := ifMatchNextTag(v)
				if !ok {
					return ifMatchMalformed
				}
				sawTag = true
				if !weak && curOK && !curWeak && opaque == cur {
					matched = true
				}
				v = rest
			}
			v = strings.TrimLeft(v, " \t")
			if v != "" && v[0] != ',' {
				return ifMatchMalformed
			}
		}
	}
	switch {
	case sawStar && sawTag, !sawStar && !sawTag:
		return ifMatchMalformed
	case sawStar && current != "", matched:
		return ifMatchOK
	}
	return ifMatchFailed
}

// ifMatchNextTag parses one entity-tag at the start of s: ["W/"] DQUOTE
// *etagc DQUOTE, where etagc is %x21 / %x23-7E / obs-text.
func ifMatchNextTag(s string) (opaque string, weak bool, rest string, ok bool) {
	if strings.HasPrefix(s, "W/") {
		weak, s = true, s[2:]
	}
	if s == "" || s[0] != '"' {
		return "", false, "", false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			return s[1:i], weak, s[i+1:], true
		}
		if c < 0x21 || c == 0x7f {
			return "", false, "", false
		}
	}
	return "", false, "", false
}

// ifMatchParseCurrent reads the tag current returns: a header-form tag, or a
// bare opaque tag taken as strong. ok is false for "".
func ifMatchParseCurrent(tag string) (opaque string, weak bool, ok bool) {
	if tag == "" {
		return "", false, false
	}
	if o, w, rest, ok := ifMatchNextTag(tag); ok && rest == "" {
		return o, w, true
	}
	return tag, false, true
}
