package errresp

// ProblemOption changes a problem style made by NewProblem.
type ProblemOption func(*problemConfig)

type problemConfig struct {
	quota bool
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
