package errresp

// authpiDocs is what the AuthPI error reference says about each of its
// codes, in its own words: each code's paragraph, its account of the error
// as the meaning and its advice ("Check ...", "Ensure ...") as the
// resolution. The page gives access_denied and insufficient_scope one
// paragraph. The other kinds take the library's text.
var authpiDocs = map[Kind]CodeDoc{
	InvalidRequest: {
		Meaning:    "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
		Resolution: "Check the request for missing or incorrect parameters.",
	},
	UnsupportedMediaType: { // invalid_content_type
		Meaning:    "The request's Content-Type header is not supported by the server.",
		Resolution: "Ensure that the Content-Type header is set to a supported type, such as application/json.",
	},
	PermissionDenied:  authpiAccessDenied,
	InsufficientScope: authpiAccessDenied,
	SessionExpired: {
		Meaning:    "The request requires authentication, but the session has expired.",
		Resolution: "The user must re-authenticate to obtain a new session token. Check the session expiration settings and ensure the user is logged in.",
	},
	CredentialInvalid: { // unauthorized_client
		Meaning:    "The request requires authentication, but the client is not authorized to perform the requested action.",
		Resolution: "Check the credentials and ensure the client has the necessary permissions.",
	},
	NotFound: {
		Meaning:    "The requested resource or page could not be found.",
		Resolution: "Check the path or the resource ID and ensure it exists.",
	},
	Conflict: {
		Meaning: "The request could not be completed due to a conflict with the current state of the resource.",
		Causes: []string{
			"This may occur when trying to create a resource that already exists or when trying to update a resource that has been modified since it was last retrieved.",
		},
		Resolution: "Check the resource's state and try again.",
	},
	PreconditionFailed: {
		Meaning: "The request included an If-Match header whose value does not match the resource's current ETag.",
		Causes: []string{
			"The resource has been modified by another client since you last retrieved it.",
		},
		Resolution: "Fetch the latest version and retry your update.",
	},
	RateLimited: { // usage_limit_exceeded
		Meaning: "The request was rejected because the user has exceeded their usage limits.",
		Causes: []string{
			"This may occur if the user has made too many requests in a short period of time.",
		},
		Resolution: "Check the usage limits and try again later.",
	},
	Internal: { // server_error
		Meaning: "An unexpected error occurred on the server.",
		Causes: []string{
			"This is a generic error message and may not provide specific details about the issue.",
		},
		Resolution: "If this error persists, please contact support.",
	},
}

// authpiAccessDenied is the page's paragraph for access_denied and
// insufficient_scope.
var authpiAccessDenied = CodeDoc{
	Meaning: "The request was valid, but the server is refusing to respond to it.",
	Causes: []string{
		"This may be due to insufficient permissions or an invalid token.",
	},
	Resolution: "Check the permissions of the user or client making the request.",
}
