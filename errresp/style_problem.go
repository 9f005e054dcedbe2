package errresp

import "slices"

// The Problem style: its codes, encoder, parser and schema in one place.

// Problem returns RFC 9457 problem details, served as application/problem+json:
//
//	{"type":"about:blank","title":"Bad Request","status":400,"detail":"...",
//	 "code":"invalid_request","request_id":"...","errors":[{"detail":"...","pointer":"#/name",...}]}
//
// The type is about:blank, so the title is the status phrase; the "code"
// extension member carries the kind's name for programmatic matching, Info
// entries are extension members, and field errors follow the RFC's example
// ("errors" with "detail" and a "#"-prefixed JSON pointer). For a style whose
// type is a URI per kind, use NewProblem. The style is shared and must not be
// modified.
func Problem() *Style { return problem }

var problem = NewProblem("")

var problemFields = FieldNames{Field: "field", Pointer: "pointer", PointerPrefix: "#", In: "in", Rule: "rule", Param: "param", Message: "detail"}

var problemReserved = []string{"type", "title", "status", "detail", "instance", "code", "request_id", "errors"}

// NewProblem returns an RFC 9457 style whose "type" member is typeBase
// followed by the kind's name with hyphens ("https://example.com/problems/"
// gives "https://example.com/problems/rate-limited") and whose title is the
// kind's summary. An empty typeBase gives the Problem style: "about:blank"
// with the status phrase as title. The style is named "problem" either way.
// Options change single kinds' problem types (ProblemQuotaExceeded).
func NewProblem(typeBase string, opts ...ProblemOption) *Style {
	var cfg problemConfig
	for _, o := range opts {
		o(&cfg)
	}
	reserved, schema := problemReserved, problemSchema
	if cfg.quota {
		reserved = append(slices.Clip(problemReserved), memberViolatedPolicies)
		schema = quotaProblemSchema
	}
	codes := map[Kind]Code{}
	for k := Unknown + 1; k < kindEnd; k++ {
		c := Code{Code: k.String(), Status: k.Status(), Title: statusText(k.Status())}
		if typeBase != "" || cfg.reference != "" {
			c.Title = k.Summary()
		}
		codes[k] = c
	}
	s := &Style{Name: "problem", ContentType: "application/problem+json", Codes: codes, builtin: true,
		statusTitles: typeBase == "" && cfg.reference == "", schema: schema}
	s.Encode = func(o *Object, env *Envelope) {
		quota := cfg.quota && env.Kind == RateLimited
		if quota {
			o.String("type", QuotaExceededType)
			o.String("title", quotaExceededTitle)
		} else if cfg.reference != "" {
			o.String("type", cfg.reference+"#"+Anchor(referenceCode(s, env)))
		} else if typeBase == "" {
			o.String("type", "about:blank")
		} else {
			o.key("type")
			o.buf = append(o.buf, '"')
			o.buf = appendStringBody(o.buf, typeBase)
			o.buf = appendKebab(o.buf, env.Kind)
			o.buf = append(o.buf, '"')
		}
		if !quota {
			o.String("title", env.Title)
		}
		o.Int("status", int64(env.Status))
		o.String("detail", env.Message)
		o.String("code", env.Code)
		o.StringIf("request_id", env.RequestID)
		o.Fields("errors", env.Fields, problemFields)
		if quota {
			if p := violatedPolicies(env.Info); len(p) > 0 {
				o.Value(memberViolatedPolicies, p)
			}
		}
		o.Info(env.Info, reserved...)
	}
	s.Parse = func(body map[string]any) (*Error, bool) {
		status, ok := body["status"].(float64)
		if !ok {
			return nil, false
		}
		if _, ok := body["title"]; !ok {
			if _, ok := body["type"]; !ok {
				return nil, false
			}
		}
		e := &Error{Message: str(body["detail"]), RequestID: str(body["request_id"])}
		e.Kind = s.kindOf(str(body["code"]), "")
		if sc, ok := declared(str(body["code"])); ok && e.Kind == Unknown {
			e.Kind = sc.Kind
		}
		if e.Kind == Unknown {
			e.Kind = KindForStatus(int(status))
		}
		if e.Kind != Unknown && s.code(e.Kind).Code != str(body["code"]) {
			e.Code = str(body["code"])
		}
		e.Fields = parseFields(body["errors"], problemFields)
		e.Info = rest(body, problemReserved) // violated-policies stays: the client may read it
		return e, true
	}
	return s
}

var problemSchema = &schemaDef{
	props: func() map[string]any {
		return map[string]any{
			"type":       strSchema("A URI reference identifying the problem type."),
			"title":      strSchema("A short summary of the problem type."),
			"status":     map[string]any{"type": "integer", "description": "The HTTP status code."},
			"detail":     strSchema("An explanation specific to this occurrence."),
			"code":       strSchema("The machine-readable error code."),
			"request_id": strSchema("The request's id; quote it to support."),
			"errors":     fieldsSchema(problemFields),
		}
	},
	required:   []string{"type", "title", "status", "detail", "code"},
	codeMember: "code",
}

func appendKebab(b []byte, k Kind) []byte {
	for _, c := range []byte(k.String()) {
		if c == '_' {
			c = '-'
		}
		b = append(b, c)
	}
	return b
}

// ProblemOption changes a problem style made by NewProblem.
type ProblemOption func(*problemConfig)

type problemConfig struct {
	quota     bool
	reference string // ProblemReference's URL
}

// QuotaExceededType is the problem type that draft-ietf-httpapi-ratelimit-headers
// defines for requests that exceed one or more quota policies.
const QuotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"

// quotaExceededTitle is the title the draft's example gives the type (with
// its spelling slip corrected).
const quotaExceededTitle = "Request cannot be satisfied as assigned quota has been exceeded"

// memberViolatedPolicies is the draft's extension member: the names of the
// policies whose quota was exceeded.
const memberViolatedPolicies = "violated-policies"

// ProblemQuotaExceeded makes the style answer RateLimited with the problem
// type of draft-ietf-httpapi-ratelimit-headers (QuotaExceededType, with the
// draft's title) and its "violated-policies" extension member: the names of
// the violated policies, as the RateLimit-Policy field names them, taken from
// the error's Info "policy" entry (a string or a list of strings), which the
// ratelimit package's refusals carry. The status stays 429, the "code"
// member "rate_limited", so clients that do not know the type still match.
// It is an option, off by default, while the draft is a draft:
//
//	errresp.Default = errresp.NewProblem("", errresp.ProblemQuotaExceeded())
func ProblemQuotaExceeded() ProblemOption {
	return func(c *problemConfig) { c.quota = true }
}

// violatedPolicies returns the policy names info carries, or nil.
func violatedPolicies(info map[string]any) []string {
	switch p := info["policy"].(type) {
	case string:
		if p != "" {
			return []string{p}
		}
	case []string:
		return p
	case []any:
		out := make([]string, 0, len(p))
		for _, v := range p {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// quotaProblemSchema is the problem schema with the draft's member.
var quotaProblemSchema = &schemaDef{
	props: func() map[string]any {
		p := problemSchema.props()
		p[memberViolatedPolicies] = map[string]any{"type": "array", "items": map[string]any{"type": "string"},
			"description": "On a quota-exceeded problem, the names of the policies whose quota was exceeded, as RateLimit-Policy names them."}
		return p
	},
	required:   problemSchema.required,
	codeMember: problemSchema.codeMember,
}
