package errresp

import (
	"strconv"
	"strings"
)

// The DevDocs style: its codes, encoder, parser and schema in one place.

var devdocsReserved = []string{"code", "title", "message", "reason", "request_id", "errors", "info"}

// DevDocs returns the style of the Developer Documentation error reference, whose
// codes are CATEGORY-STATUS and come with a title:
//
//	{"code":"AUTH-401","title":"Authentication Failed","message":"...","reason":"session_expired",
//	 "request_id":"...","errors":[...],"info":{...}}
//
// The page answers every authentication failure with AUTH-401 and every
// permission failure with AUTH-403, so "reason" (the kind's name) tells them
// apart.
// The style is shared and must not be modified.
func DevDocs() *Style { return devdocs }

var devdocs = newDevDocs()

// newDevDocs builds the DevDocs style; its parser refers to the style itself.
func newDevDocs() *Style {
	s := &Style{
		Name:        "devdocs",
		ContentType: "application/json",
		// Docs, the page's own words about its codes, are in style_devdocs_docs.go.
		Docs: devdocsDocs,
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
			IdempotencyKeyInvalid:   {"IDEMPOTENCY-400", 400, "Idempotency Key Invalid"},
			IdempotencyKeyInUse:     {"IDEMPOTENCY-409", 409, "Idempotency Key In Use"},
			IdempotencyKeyReused:    {"IDEMPOTENCY-422", 422, "Idempotency Key Reused"},
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
	s.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body["code"].(string)
		if !ok {
			return nil, false
		}
		if _, ok := body["title"].(string); !ok {
			return nil, false
		}
		e := &Error{Message: str(body["message"]), RequestID: str(body["request_id"])}
		reason := str(body["reason"])
		codeAndKind(s, e, code, reason)
		if k, ok := ParseKind(reason); ok && e.Kind == Unknown && k != Unknown {
			// A kind with a status of its own: CLIENT-418 for CLIENT-400.
			c := s.code(k).Code
			if i := strings.LastIndexByte(c, '-'); i > 0 && strings.HasPrefix(code, c[:i+1]) {
				e.Kind, e.Code = k, ""
			}
		}
		e.Fields = parseFields(body["errors"], fieldNames)
		e.Info = info(body["info"])
		return e, true
	}
	return s
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
