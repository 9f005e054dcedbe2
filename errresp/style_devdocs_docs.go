package errresp

// devdocsDocs is what the Developer Documentation error reference says about
// each of its codes, in its own words: the description, "Possible Causes"
// and "Resolution" of every code the page lists. A code the page gives
// several kinds (AUTH-401, AUTH-403) has the same text for each of them.
// The other kinds take the library's text.
var devdocsDocs = func() map[Kind]CodeDoc {
	m := map[Kind]CodeDoc{}
	for _, d := range []struct {
		code  string // the page's code, for the reader
		kinds []Kind
		doc   CodeDoc
	}{
		{"AUTH-401", []Kind{InvalidCredentials, NotAuthenticated, SessionExpired, CredentialInvalid, CredentialExpired, CredentialMalformed, WrongAuthScheme}, CodeDoc{
			Meaning: "The provided authentication credentials are invalid or missing. This could be due to an expired token, incorrect username/password, or missing required headers.",
			Causes: []string{
				"Invalid or expired API key/token.",
				"Incorrect user credentials (username/password).",
				"Missing authentication headers in the request.",
				"Session has timed out.",
			},
			Resolution: "Verify your authentication token or credentials. Ensure they are correctly included in the request headers. If using session-based authentication, ensure the session is still active.",
		}},
		{"AUTH-403", []Kind{PermissionDenied, InsufficientScope}, CodeDoc{
			Meaning: "The authenticated user does not have permission to access the requested resource or perform the requested action.",
			Causes: []string{
				"User role lacks necessary permissions.",
				"Resource is restricted to specific user groups or roles.",
				"Attempting to modify data you don't own.",
			},
			Resolution: "Ensure the user account has the appropriate roles and permissions assigned. Consult your system administrator if you believe you should have access.",
		}},
		{"NOTFOUND-404", []Kind{NotFound}, CodeDoc{
			Meaning: "The requested resource (e.g., API endpoint, page, file) could not be found on the server.",
			Causes: []string{
				"Incorrect URL path in the request.",
				"Resource has been moved or deleted.",
				"Typo in the endpoint name.",
			},
			Resolution: "Double-check the URL for any typos. Ensure the resource you are trying to access actually exists and is accessible at the specified path.",
		}},
		{"SERVER-500", []Kind{Internal}, CodeDoc{
			Meaning: "An unexpected condition occurred on the server, preventing it from fulfilling the request. This is a generic server-side error.",
			Causes: []string{
				"Bug in the server-side code.",
				"Database connection issues.",
				"Server resource limitations (e.g., memory, CPU).",
				"Uncaught exceptions.",
			},
			Resolution: "This error usually indicates a problem on our end. Please try again later. If the problem persists, contact support and provide the request details.",
		}},
		{"BADREQUEST-400", []Kind{InvalidRequest}, CodeDoc{
			Meaning: "The server cannot process the request due to something that is perceived to be a client error (e.g., malformed request syntax, invalid request message framing, or deceptive request routing).",
			Causes: []string{
				"Missing required parameters in the request body or query string.",
				"Incorrect data types for parameters.",
				"Malformed JSON or XML payload.",
				"Validation rules violated (e.g., invalid email format, password too short).",
			},
			Resolution: "Review the request payload and parameters. Ensure all required fields are present, data types are correct, and the data conforms to the API's specifications. Check the specific error message returned for details on which validation failed.",
		}},
		{"CONFLICT-409", []Kind{Conflict}, CodeDoc{
			Meaning: "The request could not be completed because of a conflict with the current state of the resource. This typically occurs when trying to create a resource that already exists.",
			Causes: []string{
				"Attempting to create a resource with a unique identifier that already exists.",
				"Concurrency issues where a resource was modified between retrieval and update.",
			},
			Resolution: "Check if the resource already exists before attempting to create it. If updating, ensure you are working with the latest version of the resource. Consider using idempotency keys if applicable.",
		}},
		{"TOOLIMITED-429", []Kind{RateLimited}, CodeDoc{
			Meaning: "The user has sent too many requests in a given amount of time (rate limiting).",
			Causes: []string{
				"Exceeding the allowed number of API calls within a specific timeframe.",
				"Aggressive polling or brute-force attempts.",
			},
			Resolution: "Wait for the specified retry-after period before making further requests. Implement backoff strategies in your application. Check your API usage plan for rate limit details.",
		}},
	} {
		for _, k := range d.kinds {
			m[k] = d.doc
		}
	}
	return m
}()
