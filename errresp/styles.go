package errresp

import (
	"strconv"
	"strings"
)

// The five built-in styles. Codes and statuses that a provider's error page
// names are used verbatim; the others follow the page's own convention and are
// listed by the style's generated reference page (see Reference).

var fieldNames = FieldNames{Field: "field", Pointer: "pointer", In: "in", Rule: "rule", Param: "param", Message: "message"}

var gpcnReserved = []string{"success", "error", "message", "requestId", "fields"}

// GPCN is the style of the GPCN API's error reference:
//
//	{"success":false,"error":"RATE_LIMIT_EXCEEDED","message":"...","requestId":"...","fields":[...]}
//
// Codes are UPPER_SNAKE; Info entries are top-level members (the page asks
// clients to read "totpConfigured" from the response).
var GPCN = &Style{
	Name:        "gpcn",
	ContentType: "application/json",
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

var devdocsReserved = []string{"code", "title", "message", "reason", "request_id", "errors", "info"}

// DevDocs is the style of the Developer Documentation error reference, whose
// codes are CATEGORY-STATUS and come with a title:
//
//	{"code":"AUTH-401","title":"Authentication Failed","message":"...","reason":"session_expired",
//	 "request_id":"...","errors":[...],"info":{...}}
//
// The page answers every authentication failure with AUTH-401 and every
// permission failure with AUTH-403, so "reason" (the kind's name) tells them
// apart.
var DevDocs = &Style{
	Name:        "devdocs",
	ContentType: "application/json",
	Codes: map[Kind]Code{
		InvalidRequest:          {"BADREQUEST-400", 400, "Bad Request"},
		InvalidCredentials:      {"AUTH-401", 401, "Authentication Failed"},
		TwoFactorRequired:       {"TWOFACTOR-400", 400, "Two-Factor Authentication Required"},
		InvalidOTP:              {"OTP-400", 400, "Invalid One-Time Code"},
		NotAuthenticated:        {"AUTH-401", 401, "Authentication Failed"},
		SessionExpired:          {"AUTH-401", 401, "Authentication Failed"},
		CredentialInvalid:       {"AUTH-401", 401, "Authentication Failed"},
		CredentialExpired:       {"AUTH-401", 401, "Authentication Failed"},
		CredentialMalformed:     {"AUTH-401", 401, "Authentication Failed"},
		WrongAuthScheme:         {"AUTH-401", 401, "Authentication Failed"},
		PermissionDenied:        {"AUTH-403", 403, "Permission Denied"},
		InsufficientScope:       {"AUTH-403", 403, "Permission Denied"},
		NotFound:                {"NOTFOUND-404", 404, "Resource Not Found"},
		MethodNotAllowed:        {"METHOD-405", 405, "Method Not Allowed"},
		Conflict:                {"CONFLICT-409", 409, "Conflict"},
		PreconditionFailed:      {"PRECONDITION-412", 412, "Precondition Failed"},
		PreconditionRequired:    {"PRECONDITION-428", 428, "Precondition Required"},
		PayloadTooLarge:         {"TOOLARGE-413", 413, "Payload Too Large"},
		UnsupportedMediaType:    {"MEDIATYPE-415", 415, "Unsupported Media Type"},
		QuotaExceeded:           {"QUOTA-403", 403, "Quota Exceeded"},
		CapacityUnavailable:     {"CAPACITY-503", 503, "Capacity Unavailable"},
		RateLimited:             {"TOOLIMITED-429", 429, "Too Many Requests"},
		Internal:                {"SERVER-500", 500, "Internal Server Error"},
		Unavailable:             {"UNAVAILABLE-503", 503, "Service Unavailable"},
		Timeout:                 {"TIMEOUT-504", 504, "Gateway Timeout"},
		Canceled:                {"CANCELED-499", 499, "Client Closed Request"},
		Gone:                    {"GONE-410", 410, "Resource Gone"},
		Unprocessable:           {"UNPROCESSABLE-422", 422, "Unprocessable Content"},
		BadGateway:              {"GATEWAY-502", 502, "Bad Gateway"},
		NotImplemented:          {"NOTIMPLEMENTED-501", 501, "Not Implemented"},
		HTTPVersionNotSupported: {"HTTPVERSION-505", 505, "HTTP Version Not Supported"},
		NotAcceptable:           {"NOTACCEPTABLE-406", 406, "Not Acceptable"},
		URITooLong:              {"URITOOLONG-414", 414, "URI Too Long"},
		HeaderTooLarge:          {"HEADERTOOLARGE-431", 431, "Request Header Fields Too Large"},
		RequestTimeout:          {"REQUESTTIMEOUT-408", 408, "Request Timeout"},
		LengthRequired:          {"LENGTHREQUIRED-411", 411, "Length Required"},
		RangeNotSatisfiable:     {"RANGE-416", 416, "Range Not Satisfiable"},
		ClientError:             {"CLIENT-400", 400, "Client Error"},
	},
	Encode: func(o *Object, env *Envelope) {
		o.String("code", devdocsCode(env.Code, env.Status))
		o.String("title", env.Title)
		o.String("message", env.Message)
		o.String("reason", env.Kind.String())
		o.StringIf("request_id", env.RequestID)
		o.Fields("errors", env.Fields, fieldNames)
		if len(env.Info) > 0 {
			in := o.Open("info")
			in.Info(env.Info)
			o.Close(in)
		}
	},
	schema: &schemaDef{
		props: func() map[string]any {
			return map[string]any{
				"code":       strSchema("The CATEGORY-STATUS error code."),
				"title":      strSchema("The code's title."),
				"message":    strSchema("A description of this occurrence."),
				"reason":     strSchema("The precise cause within the code's category."),
				"request_id": strSchema("The request's id; quote it to support."),
				"errors":     fieldsSchema(fieldNames),
				"info":       map[string]any{"type": "object", "description": "Extra structured data."},
			}
		},
		required:   []string{"code", "title", "message", "reason"},
		codeMember: "code",
	},
}

// devdocsCode returns a CATEGORY-STATUS code for status: an error with a
// status of its own (Error.HTTPStatus) keeps the category and names its
// status, so a 418 of kind ClientError is CLIENT-418. A code that does not
// end in a status (a service's own) is returned as it is.
func devdocsCode(code string, status int) string {
	i := strings.LastIndexByte(code, '-')
	if i < 0 || i == len(code)-1 || strings.Trim(code[i+1:], "0123456789") != "" {
		return code
	}
	if n, err := strconv.Atoi(code[i+1:]); err == nil && n == status {
		return code
	}
	return code[:i+1] + strconv.Itoa(status)
}

// Gcore is the style of the Gcore API's error reference:
//
//	{"exception_class":"ValidationError","message":"...","request_id":"...",
//	 "info":{...},"invalid_fields":[...]}
//
// Classes are CamelCase, except the authentication ones the page gives in
// snake_case (not_authenticated, token_not_valid). Where several kinds share a
// class (token_not_valid, permission_denied), "info" carries "reason", the
// kind's name.
var Gcore = &Style{
	Name:        "gcore",
	ContentType: "application/json",
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
	},
	// The authentication table: "The message text identifies the specific
	// cause". The truncated-token row, "Bad permanent token: {partial_key}",
	// needs the key, so the middleware's ErrKeyMalformed writes it.
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

var gcoreReserved = []string{"exception_class", "message", "request_id", "info", "invalid_fields"}

func init() {
	Gcore.Encode = func(o *Object, env *Envelope) {
		o.String("exception_class", env.Code)
		o.String("message", env.Message)
		o.String("request_id", env.RequestID)
		if shared := Gcore.shared(env.Kind); shared || len(env.Info) > 0 {
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
}

var authpiReserved = []string{"error", "error_description", "request_id", "fields"}

// AuthPI is the style of the AuthPI error reference, OAuth 2 flavoured:
//
//	{"error":"usage_limit_exceeded","error_description":"...","request_id":"...","fields":[...]}
//
// Codes are lower_snake; where the page is silent they follow OAuth's own
// registry (invalid_token, unsupported_token_type, temporarily_unavailable).
// Info entries are top-level members.
var AuthPI = &Style{
	Name:        "authpi",
	ContentType: "application/json",
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
