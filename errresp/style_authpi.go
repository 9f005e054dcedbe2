package errresp

// The AuthPI style: its codes, encoder, parser and schema in one place.

var authpiReserved = []string{"error", "error_description", "request_id", "fields"}

// AuthPI returns the style of the AuthPI error reference, OAuth 2 flavoured:
//
//	{"error":"usage_limit_exceeded","error_description":"...","request_id":"...","fields":[...]}
//
// Codes are lower_snake; where the page is silent they follow OAuth's own
// registry (invalid_token, unsupported_token_type, temporarily_unavailable).
// Info entries are top-level members.
// The style is shared and must not be modified.
func AuthPI() *Style { return authpi }

var authpi = newAuthPI()

// newAuthPI builds the AuthPI style; its parser refers to the style itself.
func newAuthPI() *Style {
	s := &Style{
		Name:        "authpi",
		ContentType: "application/json",
		// Docs, the page's own words about its codes, are in style_authpi_docs.go.
		Docs: authpiDocs,
		Codes: map[Kind]Code{
			InvalidRequest:          {"invalid_request", 400, "Missing or malformed parameter"},
			InvalidCredentials:      {"invalid_credentials", 401, "Wrong email or password"},
			TwoFactorRequired:       {"two_factor_required", 400, "A second factor is required"},
			InvalidOTP:              {"invalid_otp", 400, "Wrong or expired one-time code"},
			NotAuthenticated:        {"authentication_required", 401, "No credentials provided"},
			SessionExpired:          {"session_expired", 401, "Session has expired"},
			CredentialInvalid:       {"unauthorized_client", 401, "Client credentials not recognised"},
			CredentialExpired:       {"expired_token", 401, "Token has expired"},
			CredentialMalformed:     {"invalid_token", 401, "Token is malformed"},
			WrongAuthScheme:         {"unsupported_token_type", 401, "Token type not accepted"},
			PermissionDenied:        {"access_denied", 403, "Permission denied"},
			InsufficientScope:       {"insufficient_scope", 403, "Token lacks the required scope"},
			NotFound:                {"not_found", 404, "Resource or page not found"},
			MethodNotAllowed:        {"method_not_allowed", 405, "Method not allowed"},
			Conflict:                {"conflict", 409, "Conflicts with the resource's current state"},
			PreconditionFailed:      {"precondition_failed", 412, "If-Match does not match the current ETag"},
			PreconditionRequired:    {"precondition_required", 428, "If-Match header required"},
			PayloadTooLarge:         {"payload_too_large", 413, "Request body too large"},
			UnsupportedMediaType:    {"invalid_content_type", 415, "Content-Type not supported"},
			QuotaExceeded:           {"quota_exceeded", 403, "Quota would be exceeded"},
			CapacityUnavailable:     {"capacity_unavailable", 503, "No capacity available now"},
			RateLimited:             {"usage_limit_exceeded", 429, "Usage limit exceeded"},
			Internal:                {"server_error", 500, "Internal server error"},
			Unavailable:             {"temporarily_unavailable", 503, "Service temporarily unavailable"},
			Timeout:                 {"request_timeout", 504, "Request timed out"},
			Canceled:                {"request_canceled", 499, "Client closed the request"},
			Gone:                    {"gone", 410, "Resource no longer exists"},
			Unprocessable:           {"unprocessable_content", 422, "Request content cannot be processed"},
			BadGateway:              {"bad_gateway", 502, "Upstream service failed"},
			NotImplemented:          {"not_implemented", 501, "Not supported by this server"},
			HTTPVersionNotSupported: {"http_version_not_supported", 505, "HTTP version not supported"},
			NotAcceptable:           {"not_acceptable", 406, "No acceptable response format"},
			URITooLong:              {"uri_too_long", 414, "Request URI too long"},
			HeaderTooLarge:          {"headers_too_large", 431, "Request headers too large"},
			RequestTimeout:          {"client_timeout", 408, "Request not received in time"},
			LengthRequired:          {"length_required", 411, "Content-Length header required"},
			RangeNotSatisfiable:     {"range_not_satisfiable", 416, "Requested range not satisfiable"},
			ClientError:             {"client_error", 400, "Request failed"},
			IdempotencyKeyInvalid:   {"idempotency_key_invalid", 400, "Idempotency-Key missing, malformed or too long"},
			IdempotencyKeyInUse:     {"idempotency_key_in_use", 409, "Request with this Idempotency-Key still in progress"},
			IdempotencyKeyReused:    {"idempotency_key_reused", 422, "Idempotency-Key already used with a different request"},
		},
		Encode: func(o *Object, env *Envelope) {
			o.String("error", env.Code)
			o.String("error_description", env.Message)
			o.StringIf("request_id", env.RequestID)
			o.Fields("fields", env.Fields, fieldNames)
			o.Info(env.Info, authpiReserved...)
		},
		schema: &schemaDef{
			props: func() map[string]any {
				return map[string]any{
					"error":             strSchema("The error code."),
					"error_description": strSchema("A human-readable description."),
					"request_id":        strSchema("The request's id; quote it to support."),
					"fields":            fieldsSchema(fieldNames),
				}
			},
			required:   []string{"error", "error_description"},
			codeMember: "error",
		},
	}
	s.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body["error"].(string)
		if !ok {
			return nil, false
		}
		if _, ok := body["success"]; ok {
			return nil, false
		}
		e := &Error{Message: str(body["error_description"]), RequestID: str(body["request_id"])}
		codeAndKind(s, e, code, "")
		e.Fields = parseFields(body["fields"], fieldNames)
		e.Info = rest(body, authpiReserved)
		return e, true
	}
	return s
}
