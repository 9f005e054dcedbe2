package errresp

// gcoreDocs is what the Gcore error reference says about its exception
// classes, in its own words: the description and remedy of each common
// error type, the cause of each authentication message, and the retry
// strategy table ("Safe to retry?" and "Action"). The other kinds take the
// library's text.
var gcoreDocs = map[Kind]CodeDoc{
	InvalidRequest: { // ValidationError
		Meaning: "The request body is missing required fields or contains invalid values.",
		Causes: []string{
			"The request body is missing required fields or contains invalid values.",
			"A ValidationError also appears when a reseller account requires specific name templates",
		},
		Resolution: "invalid_fields lists each problematic field and why it failed. Fix the request body and retry.",
		Retry:      "No. Fix the request first",
	},
	NotFound: { // NotFoundError
		Meaning: "The requested resource does not exist, or exists in a different project or region.",
		Causes: []string{
			"The resource does not exist",
			"The resource exists in a different project or region",
		},
		Resolution: "Check IDs and region: make sure project_id and region_id in the path match the region where the resource was created.",
		Retry:      "No. Check IDs and region",
	},
	QuotaExceeded: { // QuotaLimitExceed
		Meaning:    "The request would exceed a project or account quota.",
		Causes:     []string{"The request would exceed a project or account quota."},
		Resolution: "info shows the exact numbers: current usage, requested total, and the limit. To resolve: Reduce the requested resource size or count, or Submit a quota request via the Gcore Customer Portal.",
		Retry:      "No. Request quota increase",
	},
	CapacityUnavailable: { // ForbiddenError
		Meaning:    "The request is structurally valid but cannot be fulfilled — typically because a flavor has reached regional capacity.",
		Causes:     []string{"A flavor has reached regional capacity"},
		Resolution: "ForbiddenError is not a permissions error — it means the physical resource is temporarily unavailable. Try a different region or a different flavor.",
		Retry:      "Yes, in different region/flavor. Choose different region",
	},
	MethodNotAllowed: { // HTTPError
		Meaning:    "The HTTP method used is not supported by this endpoint.",
		Causes:     []string{"Most often caused by sending a GET to an endpoint that only accepts POST, or vice versa."},
		Resolution: "Fix the HTTP method.",
		Retry:      "No. Fix the HTTP method",
	},
	Conflict: { // ConflictError
		Meaning: "The resource already exists.",
		Causes:  []string{"ConflictError (resource already exists)"},
	},
	// The authentication table: "All authentication errors return HTTP 401.
	// The message text identifies the specific cause".
	NotAuthenticated: {
		Causes: []string{`No Authorization header: the message is "Authentication credentials were not provided."`},
	},
	CredentialInvalid: {
		Causes: []string{`Token deleted or past expiry date: the message is "Token is invalid or expired"`},
	},
	CredentialExpired: {
		Causes: []string{`Token deleted or past expiry date: the message is "Token is invalid or expired"`},
	},
	CredentialMalformed: {
		Causes: []string{`Token truncated at $ — shell expansion issue: the message is "Bad permanent token: {partial_key}"`},
	},
	WrongAuthScheme: {
		Causes:     []string{`Wrong auth scheme — use APIKey, not Bearer: the message is "Given token not valid for any token type"`},
		Resolution: "Wrong auth scheme — use APIKey, not Bearer.",
	},
	RateLimited: {
		Meaning: "Rate limit exceeded",
		Retry:   "Yes, after waiting. Respect Retry-After header if present",
	},
	Internal: {
		Meaning: "Internal server error — transient, retry with backoff",
		Retry:   "Yes, with exponential backoff. Wait 1–5s and retry up to 3 times",
	},
}
