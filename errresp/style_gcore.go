package errresp

// The Gcore style: its codes, encoder, parser and schema in one place.

// Gcore returns the style of the Gcore API's error reference:
//
//	{"exception_class":"ValidationError","message":"...","request_id":"...",
//	 "info":{...},"invalid_fields":[...]}
//
// Classes are CamelCase, except the authentication ones the page gives in
// snake_case (not_authenticated, token_not_valid). Where several kinds share a
// class (token_not_valid, permission_denied), "info" carries "reason", the
// kind's name.
// The style is shared and must not be modified.
func Gcore() *Style { return gcore }

var gcore = newGcore()

// newGcore builds the Gcore style; its parser refers to the style itself.
func newGcore() *Style {
	s := &Style{
		Name:        "gcore",
		ContentType: "application/json",
		// Docs, the page's own words about its codes, are in style_gcore_docs.go.
		Docs: gcoreDocs,
		Codes: map[Kind]Code{
			InvalidRequest:          {"ValidationError", 400, "The request body is missing required fields or contains invalid values."},
			InvalidCredentials:      {"authentication_failed", 401, "Incorrect authentication credentials."},
			TwoFactorRequired:       {"TwoFactorRequired", 400, "Two-factor verification is required."},
			InvalidOTP:              {"InvalidOTPError", 400, "The one-time code is incorrect or expired."},
			NotAuthenticated:        {"not_authenticated", 401, "Authentication credentials were not provided."},
			SessionExpired:          {"session_expired", 401, "Session has expired."},
			CredentialInvalid:       {"token_not_valid", 401, "Token is invalid or expired"},
			CredentialExpired:       {"token_not_valid", 401, "Token is invalid or expired"},
			CredentialMalformed:     {"token_not_valid", 401, "Bad permanent token"},
			WrongAuthScheme:         {"token_not_valid", 401, "Given token not valid for any token type"},
			PermissionDenied:        {"permission_denied", 403, "You do not have permission to perform this action."},
			InsufficientScope:       {"permission_denied", 403, "You do not have permission to perform this action."},
			NotFound:                {"NotFoundError", 404, "The requested resource does not exist."},
			MethodNotAllowed:        {"HTTPError", 405, "Method Not Allowed"},
			Conflict:                {"ConflictError", 409, "Resource already exists."},
			PreconditionFailed:      {"PreconditionFailedError", 412, "Precondition failed."},
			PreconditionRequired:    {"PreconditionRequiredError", 428, "Precondition required."},
			PayloadTooLarge:         {"PayloadTooLargeError", 413, "Request body too large."},
			UnsupportedMediaType:    {"UnsupportedMediaTypeError", 415, "Unsupported media type."},
			QuotaExceeded:           {"QuotaLimitExceed", 403, "The request would exceed a project or account quota."},
			CapacityUnavailable:     {"ForbiddenError", 403, "The resource is temporarily unavailable; try a different region or flavor."},
			RateLimited:             {"RateLimitExceeded", 429, "Rate limit exceeded"},
			Internal:                {"InternalServerError", 500, "Internal server error"},
			Unavailable:             {"ServiceUnavailableError", 503, "Service temporarily unavailable."},
			Timeout:                 {"TimeoutError", 504, "Request timed out."},
			Canceled:                {"ClientClosedRequest", 499, "Client closed the request."},
			Gone:                    {"GoneError", 410, "The requested resource no longer exists."},
			Unprocessable:           {"UnprocessableEntityError", 422, "The request body cannot be processed."},
			BadGateway:              {"BadGatewayError", 502, "An upstream service failed to answer."},
			NotImplemented:          {"NotImplementedError", 501, "This operation is not implemented."},
			HTTPVersionNotSupported: {"HTTPVersionNotSupportedError", 505, "HTTP version not supported."},
			NotAcceptable:           {"NotAcceptableError", 406, "No acceptable representation."},
			URITooLong:              {"URITooLongError", 414, "Request URI too long."},
			HeaderTooLarge:          {"HeadersTooLargeError", 431, "Request headers too large."},
			RequestTimeout:          {"RequestTimeoutError", 408, "The request was not received in time."},
			LengthRequired:          {"LengthRequiredError", 411, "Content-Length header required."},
			RangeNotSatisfiable:     {"RangeNotSatisfiableError", 416, "Requested range not satisfiable."},
			ClientError:             {"ClientError", 400, "The request failed."},
			IdempotencyKeyInvalid:   {"IdempotencyKeyError", 400, "The Idempotency-Key header is missing, malformed or too long."},
			IdempotencyKeyInUse:     {"IdempotencyKeyInUseError", 409, "A request with this Idempotency-Key is still being processed; retry after the time given."},
			IdempotencyKeyReused:    {"IdempotencyKeyReusedError", 422, "The Idempotency-Key was already used with a different request."},
		},
		// The authentication table: "The message text identifies the specific
		// cause". The truncated-token row, "Bad permanent token: {partial_key}",
		// needs the key, so auth.NewKeyMalformed writes it.
		Messages: map[Kind]string{
			NotAuthenticated:  "Authentication credentials were not provided.",
			CredentialInvalid: "Token is invalid or expired",
			CredentialExpired: "Token is invalid or expired",
			WrongAuthScheme:   "Given token not valid for any token type",
		},
		schema: &schemaDef{
			props: func() map[string]any {
				return map[string]any{
					"exception_class": strSchema("Machine-readable error type."),
					"message":         strSchema("Human-readable description."),
					"request_id":      strSchema("Unique ID for this request; include when contacting support."),
					"info":            map[string]any{"type": "object", "description": "Extra structured data for specific error types (quotas, reasons)."},
					"invalid_fields":  fieldsSchema(fieldNames),
				}
			},
			required:   []string{"exception_class", "message", "request_id"},
			codeMember: "exception_class",
		},
	}
	s.Encode = func(o *Object, env *Envelope) {
		o.String("exception_class", env.Code)
		o.String("message", env.Message)
		o.String("request_id", env.RequestID)
		if shared := s.shared(env.Kind); shared || len(env.Info) > 0 {
			in := o.Open("info")
			if shared {
				in.String("reason", env.Kind.String())
				in.Info(env.Info, "reason")
			} else {
				in.Info(env.Info)
			}
			o.Close(in)
		}
		o.Fields("invalid_fields", env.Fields, fieldNames)
	}
	s.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body["exception_class"].(string)
		if !ok {
			return nil, false
		}
		e := &Error{Message: str(body["message"]), RequestID: str(body["request_id"])}
		in := info(body["info"])
		reason := str(in["reason"])
		codeAndKind(s, e, code, reason)
		if reason != "" && s.shared(e.Kind) {
			delete(in, "reason")
			if len(in) == 0 {
				in = nil
			}
		}
		e.Info = in
		e.Fields = parseFields(body["invalid_fields"], fieldNames)
		return e, true
	}
	return s
}

var gcoreReserved = []string{"exception_class", "message", "request_id", "info", "invalid_fields"}
