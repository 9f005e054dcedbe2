package errresp

// The GPCN style: its codes, encoder, parser and schema in one place.

var gpcnReserved = []string{"success", "error", "message", "requestId", "fields"}

// GPCN returns the style of the GPCN API's error reference:
//
//	{"success":false,"error":"RATE_LIMIT_EXCEEDED","message":"...","requestId":"...","fields":[...]}
//
// Codes are UPPER_SNAKE; Info entries are top-level members (the page asks
// clients to read "totpConfigured" from the response).
// The style is shared and must not be modified.
func GPCN() *Style { return gpcn }

var gpcn = newGPCN()

// newGPCN builds the GPCN style; its parser refers to the style itself.
func newGPCN() *Style {
	s := &Style{
		Name:        "gpcn",
		ContentType: "application/json",
		// Docs, the page's own words about its codes, are in style_gpcn_docs.go.
		Docs: gpcnDocs,
		Codes: map[Kind]Code{
			InvalidRequest:          {"INVALID_REQUEST", 400, "Validation error in request"},
			InvalidCredentials:      {"INVALID_CREDENTIALS", 401, "Wrong email or password"},
			TwoFactorRequired:       {"TWO_FACTOR_REQUIRED", 400, "2FA verification needed"},
			InvalidOTP:              {"INVALID_OTP", 400, "Wrong or expired 2FA code"},
			NotAuthenticated:        {"NOT_AUTHENTICATED", 401, "No auth credentials provided"},
			SessionExpired:          {"SESSION_EXPIRED", 401, "Session timed out"},
			CredentialInvalid:       {"API_KEY_INVALID", 401, "API key doesn't exist or was revoked"},
			CredentialExpired:       {"API_KEY_EXPIRED", 401, "API key past its expiration date"},
			CredentialMalformed:     {"API_KEY_MALFORMED", 401, "API key is malformed or truncated"},
			WrongAuthScheme:         {"UNSUPPORTED_AUTH_SCHEME", 401, "Authorization scheme not accepted"},
			PermissionDenied:        {"INSUFFICIENT_PERMISSIONS", 403, "Role lacks required permission"},
			InsufficientScope:       {"INSUFFICIENT_SCOPE", 403, "Token lacks required scope"},
			NotFound:                {"NOT_FOUND", 404, "Resource or route not found"},
			MethodNotAllowed:        {"METHOD_NOT_ALLOWED", 405, "HTTP method not allowed on this route"},
			Conflict:                {"CONFLICT", 409, "Conflicts with the resource's current state"},
			PreconditionFailed:      {"PRECONDITION_FAILED", 412, "If-Match does not match the current ETag"},
			PreconditionRequired:    {"PRECONDITION_REQUIRED", 428, "If-Match header required"},
			PayloadTooLarge:         {"PAYLOAD_TOO_LARGE", 413, "Request body too large"},
			UnsupportedMediaType:    {"UNSUPPORTED_MEDIA_TYPE", 415, "Content-Type not supported"},
			QuotaExceeded:           {"QUOTA_EXCEEDED", 403, "Account quota would be exceeded"},
			CapacityUnavailable:     {"CAPACITY_UNAVAILABLE", 503, "No capacity for this resource now"},
			RateLimited:             {"RATE_LIMIT_EXCEEDED", 429, "Too many requests"},
			Internal:                {"SERVER_ERROR", 500, "Internal server error"},
			Unavailable:             {"SERVICE_UNAVAILABLE", 503, "Service temporarily unavailable"},
			Timeout:                 {"TIMEOUT", 504, "Request timed out"},
			Canceled:                {"REQUEST_CANCELED", 499, "Client closed the request"},
			Gone:                    {"GONE", 410, "Resource no longer exists"},
			Unprocessable:           {"UNPROCESSABLE_CONTENT", 422, "Request content cannot be processed"},
			BadGateway:              {"BAD_GATEWAY", 502, "Upstream service failed"},
			NotImplemented:          {"NOT_IMPLEMENTED", 501, "Not supported by this server"},
			HTTPVersionNotSupported: {"HTTP_VERSION_NOT_SUPPORTED", 505, "HTTP version not supported"},
			NotAcceptable:           {"NOT_ACCEPTABLE", 406, "No acceptable response format"},
			URITooLong:              {"URI_TOO_LONG", 414, "Request URI too long"},
			HeaderTooLarge:          {"HEADERS_TOO_LARGE", 431, "Request headers too large"},
			RequestTimeout:          {"REQUEST_TIMEOUT", 408, "Request not received in time"},
			LengthRequired:          {"LENGTH_REQUIRED", 411, "Content-Length header required"},
			RangeNotSatisfiable:     {"RANGE_NOT_SATISFIABLE", 416, "Requested range not satisfiable"},
			ClientError:             {"CLIENT_ERROR", 400, "Request failed"},
			IdempotencyKeyInvalid:   {"IDEMPOTENCY_KEY_INVALID", 400, "Idempotency-Key missing, malformed or too long"},
			IdempotencyKeyInUse:     {"IDEMPOTENCY_KEY_IN_USE", 409, "Request with this Idempotency-Key still in progress"},
			IdempotencyKeyReused:    {"IDEMPOTENCY_KEY_REUSED", 422, "Idempotency-Key already used with a different request"},
		},
		Encode: func(o *Object, env *Envelope) {
			o.Bool("success", false)
			o.String("error", env.Code)
			o.String("message", env.Message)
			o.StringIf("requestId", env.RequestID)
			o.Fields("fields", env.Fields, fieldNames)
			o.Info(env.Info, gpcnReserved...)
		},
		schema: &schemaDef{
			props: func() map[string]any {
				return map[string]any{
					"success":   map[string]any{"type": "boolean", "const": false},
					"error":     strSchema("The error code, for programmatic matching."),
					"message":   strSchema("A human-readable description, for logs."),
					"requestId": strSchema("The request's id; quote it to support."),
					"fields":    fieldsSchema(fieldNames),
				}
			},
			required:   []string{"success", "error", "message"},
			codeMember: "error",
		},
	}
	s.Parse = func(body map[string]any) (*Error, bool) {
		if _, ok := body["success"].(bool); !ok {
			return nil, false
		}
		code, ok := body["error"].(string)
		if !ok {
			return nil, false
		}
		e := &Error{Message: str(body["message"]), RequestID: str(body["requestId"])}
		codeAndKind(s, e, code, "")
		e.Fields = parseFields(body["fields"], fieldNames)
		e.Info = rest(body, gpcnReserved)
		return e, true
	}
	return s
}
