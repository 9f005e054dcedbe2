package errresp

// kindDocs is what the reference pages say about each kind when a style's
// page says nothing of its own (Style.Docs): what it means, its common
// causes, how to resolve it and how to retry. Written for this library; the
// built-in provider styles replace it, field by field, with their page's own
// words where the page gives them (style_*_docs.go).
var kindDocs = [kindEnd]CodeDoc{
	InvalidRequest: {
		Meaning:    "The request's body, path or query parameters are malformed or fail validation.",
		Causes:     []string{"A required field is missing", "A field has the wrong type or a value out of range", "The body has a member the endpoint does not know", "The body is not valid JSON"},
		Resolution: "Read the field errors in the response: each names the field, the rule it failed and why. Fix those fields and send the request again.",
	},
	InvalidCredentials: {
		Meaning:    "The email or password is wrong, or no account has that email.",
		Causes:     []string{"A typo in the email or password", "The account does not exist or was deleted"},
		Resolution: "Check the email and password. If the password is forgotten, reset it.",
	},
	TwoFactorRequired: {
		Meaning:    "The credentials are right; a second factor must follow to complete sign-in.",
		Causes:     []string{"The account has two-factor authentication turned on; this is the expected answer to the first step of sign-in"},
		Resolution: "Complete sign-in with the one-time code, as the response's extra members describe.",
	},
	InvalidOTP: {
		Meaning:    "The one-time code is wrong or has expired.",
		Causes:     []string{"A typo in the code", "The code has expired", "The authenticator's clock is out of sync"},
		Resolution: "Enter the current code, or request a new one, and send it again.",
	},
	NotAuthenticated: {
		Meaning:    "The request carries no credentials, and the endpoint needs them.",
		Causes:     []string{"No X-API-Key or Authorization header and no session cookie", "A client that drops headers on redirects"},
		Resolution: "Send credentials with the request: an API key, a bearer token or a session cookie, as the endpoint accepts.",
	},
	SessionExpired: {
		Meaning:    "The session cookie names a session that has ended.",
		Causes:     []string{"The session timed out", "The session was ended on the server, such as after a password change"},
		Resolution: "Sign in again to obtain a new session.",
	},
	CredentialInvalid: {
		Meaning:    "The API key or token does not exist or was revoked.",
		Causes:     []string{"A typo in the key", "The key was revoked, deleted or rotated"},
		Resolution: "Check the key's value; if it was rotated or revoked, use or create a current one.",
	},
	CredentialExpired: {
		Meaning:    "The API key or token is past its expiry.",
		Causes:     []string{"The key was created with an expiry date that has passed"},
		Resolution: "Create a new key, or refresh the token, and send the request with it.",
	},
	CredentialMalformed: {
		Meaning:    "The credential cannot be a real one: it is truncated or has characters a key never has.",
		Causes:     []string{"The key was cut short, often by shell expansion of a $ in it", "Quotes or whitespace copied with the key"},
		Resolution: "Send the key exactly as issued; quote it in single quotes in a shell.",
	},
	WrongAuthScheme: {
		Meaning:    "The credential came in an authorization scheme this service does not accept.",
		Causes:     []string{"Bearer used where the service expects APIKey, or the other way round"},
		Resolution: "Send the credential in a scheme the response's WWW-Authenticate header names.",
	},
	PermissionDenied: {
		Meaning:    "The caller is authenticated but lacks a permission this action needs.",
		Causes:     []string{"The caller's role does not grant the permission", "The resource belongs to another account"},
		Resolution: "Ask an administrator for a role that grants the permission, or act on resources of your own account.",
	},
	InsufficientScope: {
		Meaning:    "The token is valid but was not granted the scope this action needs.",
		Causes:     []string{"The token was issued with fewer scopes than the action requires"},
		Resolution: "Obtain a token with the scope the response's WWW-Authenticate header names.",
	},
	NotFound: {
		Meaning:    "No resource or route answers to this URL.",
		Causes:     []string{"A typo in the path or the resource's id", "The resource was deleted, or belongs to another account"},
		Resolution: "Check the URL and the id; list the resources to find the right one.",
	},
	MethodNotAllowed: {
		Meaning:    "The route exists, but not for this HTTP method.",
		Causes:     []string{"GET sent where only POST is accepted, or the other way round"},
		Resolution: "Use one of the methods the response's Allow header lists.",
	},
	Conflict: {
		Meaning:    "The request conflicts with the resource's current state.",
		Causes:     []string{"A resource with the same unique name already exists", "The resource changed between reading and writing it"},
		Resolution: "Read the resource's current state, then send a request that agrees with it.",
	},
	PreconditionFailed: {
		Meaning:    "A precondition of the request, such as If-Match, did not hold.",
		Causes:     []string{"Another client changed the resource since its ETag was read"},
		Resolution: "Fetch the resource again and send the update with its current ETag.",
	},
	PreconditionRequired: {
		Meaning:    "This route changes resources only under a condition: the request must carry If-Match.",
		Causes:     []string{"An update sent without If-Match"},
		Resolution: "Read the resource, then send the update with If-Match set to its ETag.",
	},
	PayloadTooLarge: {
		Meaning:    "The request body is larger than the route accepts.",
		Causes:     []string{"An upload or batch larger than the limit"},
		Resolution: "Send a smaller body, or split the work into several requests.",
	},
	UnsupportedMediaType: {
		Meaning:    "The body's Content-Type is not one the route accepts.",
		Causes:     []string{"No Content-Type header", "A form or text body sent to a JSON endpoint"},
		Resolution: "Send the body as JSON with Content-Type: application/json.",
	},
	QuotaExceeded: {
		Meaning:    "The request would take the account over one of its quotas.",
		Causes:     []string{"Creating more or larger resources than the quota allows"},
		Resolution: "Reduce the size or count asked for, free resources, or ask for a higher quota. The response's extra members give the numbers.",
	},
	CapacityUnavailable: {
		Meaning:    "The resource asked for has no capacity now; another region or size may.",
		Causes:     []string{"The region has run out of this size for the moment"},
		Resolution: "Try another region or size, or the same later.",
	},
	RateLimited: {
		Meaning:    "Too many requests in too short a time.",
		Causes:     []string{"Requests sent faster than the limit allows", "Tight polling loops", "Retry storms after a failure"},
		Resolution: "Slow down: wait as the response's headers say, and spread requests out.",
	},
	Internal: {
		Meaning:    "The server failed while handling the request. Nothing about the cause is disclosed.",
		Causes:     []string{"A transient fault in the service or its infrastructure", "A bug in the service"},
		Resolution: "Retry after a short delay. If it persists, contact support with the request id.",
	},
	Unavailable: {
		Meaning:    "The service, or something it needs, is down for now.",
		Causes:     []string{"Maintenance or an outage", "A store the service depends on is unreachable"},
		Resolution: "Retry later, after the Retry-After header's delay when there is one.",
	},
	Timeout: {
		Meaning:    "The server did not finish in the time it allows itself.",
		Causes:     []string{"A slow dependency", "A request that asks for too much work at once"},
		Resolution: "Retry with backoff; ask for less at once if it keeps timing out.",
	},
	Canceled: {
		Meaning:    "The client went away before the answer was ready; the client normally never sees this answer.",
		Causes:     []string{"The client closed the connection or hit its own timeout"},
		Resolution: "Raise the client's timeout if the request needs longer.",
	},
	Gone: {
		Meaning:    "The resource existed and was removed for good.",
		Causes:     []string{"The resource was deleted or retired"},
		Resolution: "Stop using this URL; remove references to the resource.",
	},
	Unprocessable: {
		Meaning:    "The body is well-formed, but its content cannot be processed.",
		Causes:     []string{"Values that are valid alone but contradict each other or the resource's state"},
		Resolution: "Read the message and the field errors, and change the content.",
	},
	BadGateway: {
		Meaning:    "A server upstream answered badly or not at all.",
		Causes:     []string{"An upstream service is down or restarting"},
		Resolution: "Retry with backoff.",
	},
	NotImplemented: {
		Meaning:    "The server does not support what the request asks for.",
		Causes:     []string{"A method or feature this server does not implement"},
		Resolution: "Use a supported method or feature; see the API's documentation.",
	},
	HTTPVersionNotSupported: {
		Meaning:    "The request's HTTP version is not supported.",
		Causes:     []string{"A client or proxy speaking an HTTP version the server refuses"},
		Resolution: "Send the request over HTTP/1.1 or HTTP/2.",
	},
	NotAcceptable: {
		Meaning:    "No representation of the resource matches the request's Accept headers.",
		Causes:     []string{"An Accept header that names only formats the endpoint does not produce"},
		Resolution: "Accept application/json, or leave Accept out.",
	},
	URITooLong: {
		Meaning:    "The request's URI is longer than the server accepts.",
		Causes:     []string{"Too many or too long query parameters"},
		Resolution: "Shorten the query, or send the data in a body where the API allows it.",
	},
	HeaderTooLarge: {
		Meaning:    "The request's header fields are larger than the server accepts.",
		Causes:     []string{"Too many or too large cookies", "A very long token"},
		Resolution: "Send fewer or smaller headers; clear stale cookies.",
	},
	RequestTimeout: {
		Meaning:    "The client took too long to send its request.",
		Causes:     []string{"A slow or stalled network", "A client that opens a connection and sends nothing"},
		Resolution: "Send the request again, promptly.",
	},
	LengthRequired: {
		Meaning:    "The request must carry a Content-Length.",
		Causes:     []string{"A body sent with chunked encoding where the route needs its length"},
		Resolution: "Send the body with a Content-Length header.",
	},
	RangeNotSatisfiable: {
		Meaning:    "The requested byte range lies outside the resource.",
		Causes:     []string{"A Range header past the end of the resource"},
		Resolution: "Ask for a range inside the resource's size.",
	},
	ClientError: {
		Meaning:    "The request failed for a client-side reason the catalogue has no kind of its own for.",
		Causes:     []string{"See the response's message and status"},
		Resolution: "Read the message, fix the request and send it again.",
	},
	IdempotencyKeyInvalid: {
		Meaning:    "The route needs an Idempotency-Key header, and the request sent none, or one that is malformed or too long.",
		Causes:     []string{"A create or update sent without an Idempotency-Key on a route that requires one", "A key that is not a string or token, or is longer than the service accepts"},
		Resolution: "Send a fresh key, such as a random UUID, in the Idempotency-Key header, and keep the same key for every retry of that request.",
	},
	IdempotencyKeyInUse: {
		Meaning:    "A request with the same Idempotency-Key is still being processed.",
		Causes:     []string{"A retry sent before the first attempt finished", "Two copies of one request sent at once"},
		Resolution: "Wait for the time Retry-After gives and send the same request with the same key: it then gets the first request's response.",
	},
	IdempotencyKeyReused: {
		Meaning:    "The Idempotency-Key was already used with a different request.",
		Causes:     []string{"A key reused for a new request", "The retried request's body, method or path changed between attempts"},
		Resolution: "Use a new key for a new request; to retry, send exactly the request that first carried the key.",
	},
}

// retryAdvice is the retry text of a kind whose docs give none: how to
// retry a retryable kind, and "No" with what to do first for the others.
func retryAdvice(k Kind) string {
	switch k {
	case RateLimited:
		return "Yes, after waiting: the Retry-After header, or the rate-limit reset header, says how long."
	case Unavailable:
		return "Yes, after the Retry-After header's delay when there is one, else with exponential backoff."
	case CapacityUnavailable:
		return "Yes, but elsewhere: another region or size, or the same later."
	case RequestTimeout:
		return "Yes, at once, sending the request promptly."
	case IdempotencyKeyInUse:
		return "Yes, after the Retry-After header's delay, with the same key and request."
	}
	if k.Retryable() {
		return "Yes, with exponential backoff: wait 1 to 5 seconds and retry up to 3 times."
	}
	return "No: the same request fails again. Fix it first."
}
