package errresp

import (
	"fmt"
	"net/http"
)

// Kind is the provider-neutral reason a request failed. Every producer of a
// failure picks one; each [Style] maps it to its own code and status.
//
// The catalogue is append-only: a Kind's number, name and default status never
// change once published, so values may be stored and compared across versions.
// The zero value, Unknown, means "not set"; it is written as Internal.
type Kind uint8

// The catalogue. The comment on each constant says when the kind applies;
// its name, default status, retry advice and the summary the reference pages
// show are in the one table below (kindTable).
const (
	// Unknown means no kind was set; it is written as Internal.
	Unknown Kind = iota
	// InvalidRequest: the body, path or query is malformed or fails validation.
	InvalidRequest
	// InvalidCredentials: the email or password is wrong, or the account does not exist.
	InvalidCredentials
	// TwoFactorRequired: the credentials are right; a second factor must follow.
	TwoFactorRequired
	// InvalidOTP: the one-time code is wrong or expired.
	InvalidOTP
	// NotAuthenticated: the request carries no credentials at all.
	NotAuthenticated
	// SessionExpired: the session cookie names a session that has ended.
	SessionExpired
	// CredentialInvalid: the API key or token does not exist or was revoked.
	CredentialInvalid
	// CredentialExpired: the API key or token is past its expiry.
	CredentialExpired
	// CredentialMalformed: the credential cannot be a real one (truncated, bad characters).
	CredentialMalformed
	// WrongAuthScheme: the credential came in a scheme this service does not accept.
	WrongAuthScheme
	// PermissionDenied: the caller is authenticated but lacks a permission.
	PermissionDenied
	// InsufficientScope: the token is valid but was not granted the scope required.
	InsufficientScope
	// NotFound: no such resource or route.
	NotFound
	// MethodNotAllowed: the route exists but not for this method.
	MethodNotAllowed
	// Conflict: the request conflicts with the resource's current state.
	Conflict
	// PreconditionFailed: an If-Match (or other) precondition did not hold.
	PreconditionFailed
	// PreconditionRequired: the route requires a conditional request (If-Match).
	PreconditionRequired
	// PayloadTooLarge: the body is larger than the route accepts.
	PayloadTooLarge
	// UnsupportedMediaType: the body's Content-Type is not one the route accepts.
	UnsupportedMediaType
	// QuotaExceeded: the request would take an account over a quota.
	QuotaExceeded
	// CapacityUnavailable: the resource asked for has no capacity now; another may.
	CapacityUnavailable
	// RateLimited: too many requests in too short a time.
	RateLimited
	// Internal: the server failed; nothing about the cause is disclosed.
	Internal
	// Unavailable: the service, or something it needs, is down for now.
	Unavailable
	// Timeout: the server did not finish in the time it allows itself.
	Timeout
	// Canceled: the client went away before the answer was ready.
	Canceled
	// Gone: the resource existed and was removed for good.
	Gone
	// Unprocessable: the body is well-formed but its content cannot be processed.
	Unprocessable
	// BadGateway: a server upstream answered badly or not at all.
	BadGateway
	// NotImplemented: the server does not support what the request asks for.
	NotImplemented
	// HTTPVersionNotSupported: the request's HTTP version is not supported.
	HTTPVersionNotSupported
	// NotAcceptable: no representation matches the request's Accept headers.
	NotAcceptable
	// URITooLong: the request's URI is longer than the server accepts.
	URITooLong
	// HeaderTooLarge: the request's header fields are larger than the server accepts.
	HeaderTooLarge
	// RequestTimeout: the client took too long to send its request.
	RequestTimeout
	// LengthRequired: the request must carry a Content-Length.
	LengthRequired
	// RangeNotSatisfiable: the requested byte range lies outside the resource.
	RangeNotSatisfiable
	// ClientError: a client error the catalogue has no kind of its own for.
	ClientError
	// IdempotencyKeyInvalid: the route requires an Idempotency-Key and none
	// was sent, or the one sent is malformed or too long.
	IdempotencyKeyInvalid
	// IdempotencyKeyInUse: a request with the same Idempotency-Key is still
	// being processed; the same request may be sent again after Retry-After.
	IdempotencyKeyInUse
	// IdempotencyKeyReused: the Idempotency-Key was used before with a
	// different request (another method, target, body or meaningful header).
	IdempotencyKeyReused

	kindEnd // one past the last Kind; keep last.
)

// Kinds returns every defined Kind except Unknown, in catalogue order.
func Kinds() []Kind {
	ks := make([]Kind, 0, kindEnd-1)
	for k := Unknown + 1; k < kindEnd; k++ {
		ks = append(ks, k)
	}
	return ks
}

// kindInfo is one row of the catalogue: every fact about a kind that does
// not depend on a style.
type kindInfo struct {
	name      string // String: the stable snake_case name
	status    int    // Status: the default HTTP status
	retryable bool   // Retryable
	// byStatus lists the statuses that mean this kind when nothing else says
	// more (KindForStatus); a status is listed by one kind at most.
	byStatus []int
	summary  string // Summary: the one-line summary of reference pages and problem titles
}

// The values of kindInfo.retryable, for the table's reading.
const (
	retry = true
	final = false
)

// kindTable is the catalogue of kinds: name, status, retryable, the statuses
// it is the kind of, summary. Everything else about a kind is derived from it.
var kindTable = [kindEnd]kindInfo{
	Unknown:                 {"unknown", 500, retry, nil, "Unknown error"},
	InvalidRequest:          {"invalid_request", 400, final, []int{400}, "The request is malformed or fails validation"},
	InvalidCredentials:      {"invalid_credentials", 401, final, nil, "Wrong email or password"},
	TwoFactorRequired:       {"two_factor_required", 400, final, nil, "A second factor is required to complete sign-in"},
	InvalidOTP:              {"invalid_otp", 400, final, nil, "The one-time code is wrong or expired"},
	NotAuthenticated:        {"not_authenticated", 401, final, []int{401, 407}, "No credentials were provided"},
	SessionExpired:          {"session_expired", 401, final, nil, "The session has expired"},
	CredentialInvalid:       {"credential_invalid", 401, final, nil, "The API key or token does not exist or was revoked"},
	CredentialExpired:       {"credential_expired", 401, final, nil, "The API key or token has expired"},
	CredentialMalformed:     {"credential_malformed", 401, final, nil, "The credential is malformed or truncated"},
	WrongAuthScheme:         {"wrong_auth_scheme", 401, final, nil, "The authorization scheme is not accepted"},
	PermissionDenied:        {"permission_denied", 403, final, []int{403}, "The caller lacks a required permission"},
	InsufficientScope:       {"insufficient_scope", 403, final, nil, "The token lacks a required scope"},
	NotFound:                {"not_found", 404, final, []int{404}, "No such resource or route"},
	MethodNotAllowed:        {"method_not_allowed", 405, final, []int{405}, "The method is not allowed on this route"},
	Conflict:                {"conflict", 409, final, []int{409}, "The request conflicts with the resource's state"},
	PreconditionFailed:      {"precondition_failed", 412, final, []int{412}, "A precondition (If-Match) did not hold"},
	PreconditionRequired:    {"precondition_required", 428, final, []int{428}, "The route requires a conditional request"},
	PayloadTooLarge:         {"payload_too_large", 413, final, []int{413}, "The request body is too large"},
	UnsupportedMediaType:    {"unsupported_media_type", 415, final, []int{415}, "The Content-Type is not supported"},
	QuotaExceeded:           {"quota_exceeded", 403, final, nil, "The request would exceed a quota"},
	CapacityUnavailable:     {"capacity_unavailable", 503, retry, nil, "No capacity for this resource now"},
	RateLimited:             {"rate_limited", 429, retry, []int{429}, "Too many requests"},
	Internal:                {"internal", 500, retry, []int{500}, "Internal server error"},
	Unavailable:             {"unavailable", 503, retry, []int{503}, "The service is temporarily unavailable"},
	Timeout:                 {"timeout", 504, retry, []int{504}, "The request timed out"},
	Canceled:                {"canceled", 499, final, []int{499}, "The client closed the request"},
	Gone:                    {"gone", 410, final, []int{410}, "The resource was removed for good"},
	Unprocessable:           {"unprocessable", 422, final, []int{422}, "The content is well-formed but cannot be processed"},
	BadGateway:              {"bad_gateway", 502, retry, []int{502}, "A server upstream failed to answer"},
	NotImplemented:          {"not_implemented", 501, final, []int{501}, "The server does not support the request"},
	HTTPVersionNotSupported: {"http_version_not_supported", 505, final, []int{505}, "The HTTP version is not supported"},
	NotAcceptable:           {"not_acceptable", 406, final, []int{406}, "No representation matches the Accept headers"},
	URITooLong:              {"uri_too_long", 414, final, []int{414}, "The request URI is too long"},
	HeaderTooLarge:          {"header_too_large", 431, final, []int{431}, "The request's header fields are too large"},
	RequestTimeout:          {"request_timeout", 408, retry, []int{408}, "The client did not send its request in time"},
	LengthRequired:          {"length_required", 411, final, []int{411}, "The request must carry a Content-Length"},
	RangeNotSatisfiable:     {"range_not_satisfiable", 416, final, []int{416}, "The requested range lies outside the resource"},
	ClientError:             {"client_error", 400, final, nil, "The request failed for a reason the catalogue does not name"},
	IdempotencyKeyInvalid:   {"idempotency_key_invalid", 400, final, nil, "The Idempotency-Key header is missing, malformed or too long"},
	IdempotencyKeyInUse:     {"idempotency_key_in_use", 409, retry, nil, "A request with this Idempotency-Key is still being processed"},
	IdempotencyKeyReused:    {"idempotency_key_reused", 422, final, nil, "The Idempotency-Key was used with a different request"},
}

// kindByStatus is the decode side of the table: the kind each status from
// 400 to 599 means, from the rows' byStatus (Unknown where none lists it).
var kindByStatus = func() (m [200]Kind) {
	for k := Unknown; k < kindEnd; k++ {
		for _, s := range kindTable[k].byStatus {
			if s < 400 || s > 599 || m[s-400] != Unknown {
				panic(fmt.Sprintf("errresp: status %d of kind %s is outside 400 to 599 or another kind's", s, kindTable[k].name))
			}
			m[s-400] = k
		}
	}
	return m
}()

// String returns the kind's stable snake_case name, such as "rate_limited".
func (k Kind) String() string {
	if k < kindEnd {
		return kindTable[k].name
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler] with the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if k >= kindEnd {
		return nil, fmt.Errorf("errresp: invalid kind %d", uint8(k))
	}
	return []byte(kindTable[k].name), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]; it accepts the names
// String returns.
func (k *Kind) UnmarshalText(b []byte) error {
	if v, ok := ParseKind(string(b)); ok {
		*k = v
		return nil
	}
	return fmt.Errorf("errresp: unknown kind %q", b)
}

// ParseKind returns the Kind whose String is name.
func ParseKind(name string) (Kind, bool) {
	for k := Unknown; k < kindEnd; k++ {
		if kindTable[k].name == name {
			return k, true
		}
	}
	return Unknown, false
}

// Status returns the kind's default HTTP status. A [Style] may answer with
// another (Gcore answers CapacityUnavailable with 403, as its page says).
func (k Kind) Status() int {
	if k < kindEnd {
		return kindTable[k].status
	}
	return 500
}

// Retryable reports whether a request that failed with this kind may succeed if
// sent again unchanged, following the retry table of the Gcore reference: 5xx
// and 429 yes (with backoff, or after Retry-After), and so is
// IdempotencyKeyInUse, the 409 of a request whose first copy is still
// running; validation, not found, quota and the other client errors no. CapacityUnavailable is retryable, but
// elsewhere (another region or size), which callers must decide themselves.
func (k Kind) Retryable() bool {
	return k < kindEnd && kindTable[k].retryable
}

// Summary returns the kind's one-line summary.
func (k Kind) Summary() string {
	if k < kindEnd {
		return kindTable[k].summary
	}
	return ""
}

// KindForStatus returns the kind an error status means when nothing else
// says more: 404 is NotFound, 422 Unprocessable, 502 BadGateway, and so on
// for every status the catalogue names. Any other status from 400 to 499
// (419, 451, ...) is ClientError and any other from 500 to 599 (507, 520,
// ...) Internal; a status outside 400 to 599 gives Unknown. An *Error that
// must keep such a status sets Error.HTTPStatus.
func KindForStatus(status int) Kind {
	if status < 400 || status > 599 {
		return Unknown
	}
	if k := kindByStatus[status-400]; k != Unknown {
		return k
	}
	if status < 500 {
		return ClientError
	}
	return Internal
}

// statusText is http.StatusText with the one non-standard status we use.
func statusText(code int) string {
	if code == 499 {
		return "Client Closed Request"
	}
	return http.StatusText(code)
}
