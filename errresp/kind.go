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

// The catalogue. The comment on each constant is its one-line summary, used by
// the generated reference pages.
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

var kindNames = [kindEnd]string{
	Unknown:                 "unknown",
	InvalidRequest:          "invalid_request",
	InvalidCredentials:      "invalid_credentials",
	TwoFactorRequired:       "two_factor_required",
	InvalidOTP:              "invalid_otp",
	NotAuthenticated:        "not_authenticated",
	SessionExpired:          "session_expired",
	CredentialInvalid:       "credential_invalid",
	CredentialExpired:       "credential_expired",
	CredentialMalformed:     "credential_malformed",
	WrongAuthScheme:         "wrong_auth_scheme",
	PermissionDenied:        "permission_denied",
	InsufficientScope:       "insufficient_scope",
	NotFound:                "not_found",
	MethodNotAllowed:        "method_not_allowed",
	Conflict:                "conflict",
	PreconditionFailed:      "precondition_failed",
	PreconditionRequired:    "precondition_required",
	PayloadTooLarge:         "payload_too_large",
	UnsupportedMediaType:    "unsupported_media_type",
	QuotaExceeded:           "quota_exceeded",
	CapacityUnavailable:     "capacity_unavailable",
	RateLimited:             "rate_limited",
	Internal:                "internal",
	Unavailable:             "unavailable",
	Timeout:                 "timeout",
	Canceled:                "canceled",
	Gone:                    "gone",
	Unprocessable:           "unprocessable",
	BadGateway:              "bad_gateway",
	NotImplemented:          "not_implemented",
	HTTPVersionNotSupported: "http_version_not_supported",
	NotAcceptable:           "not_acceptable",
	URITooLong:              "uri_too_long",
	HeaderTooLarge:          "header_too_large",
	RequestTimeout:          "request_timeout",
	LengthRequired:          "length_required",
	RangeNotSatisfiable:     "range_not_satisfiable",
	ClientError:             "client_error",
}

// String returns the kind's stable snake_case name, such as "rate_limited".
func (k Kind) String() string {
	if k < kindEnd {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler] with the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if k >= kindEnd {
		return nil, fmt.Errorf("errresp: invalid kind %d", uint8(k))
	}
	return []byte(kindNames[k]), nil
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
		if kindNames[k] == name {
			return k, true
		}
	}
	return Unknown, false
}

// Status returns the kind's default HTTP status. A [Style] may answer with
// another (Gcore answers CapacityUnavailable with 403, as its page says).
func (k Kind) Status() int {
	switch k {
	case InvalidRequest, TwoFactorRequired, InvalidOTP, ClientError:
		return 400
	case InvalidCredentials, NotAuthenticated, SessionExpired, CredentialInvalid,
		CredentialExpired, CredentialMalformed, WrongAuthScheme:
		return 401
	case PermissionDenied, InsufficientScope, QuotaExceeded:
		return 403
	case NotFound:
		return 404
	case MethodNotAllowed:
		return 405
	case NotAcceptable:
		return 406
	case RequestTimeout:
		return 408
	case Conflict:
		return 409
	case Gone:
		return 410
	case LengthRequired:
		return 411
	case PreconditionFailed:
		return 412
	case PayloadTooLarge:
		return 413
	case URITooLong:
		return 414
	case UnsupportedMediaType:
		return 415
	case RangeNotSatisfiable:
		return 416
	case Unprocessable:
		return 422
	case PreconditionRequired:
		return 428
	case RateLimited:
		return 429
	case HeaderTooLarge:
		return 431
	case Canceled:
		return 499
	case NotImplemented:
		return 501
	case BadGateway:
		return 502
	case Unavailable, CapacityUnavailable:
		return 503
	case Timeout:
		return 504
	case HTTPVersionNotSupported:
		return 505
	}
	return 500
}

// Retryable reports whether a request that failed with this kind may succeed if
// sent again unchanged, following the retry table of the Gcore reference: 5xx
// and 429 yes (with backoff, or after Retry-After); validation, not found,
// quota and the other client errors no. CapacityUnavailable is retryable, but
// elsewhere (another region or size), which callers must decide themselves.
func (k Kind) Retryable() bool {
	switch k {
	case RateLimited, Internal, Unavailable, Timeout, CapacityUnavailable, Unknown,
		BadGateway, RequestTimeout:
		return true
	}
	return false
}

// KindForStatus returns the kind an error status means when nothing else
// says more: 404 is NotFound, 422 Unprocessable, 502 BadGateway, and so on
// for every status the catalogue names. Any other status from 400 to 499
// (419, 451, ...) is ClientError and any other from 500 to 599 (507, 520,
// ...) Internal; a status outside 400 to 599 gives Unknown. An *Error that
// must keep such a status sets Error.HTTPStatus.
func KindForStatus(status int) Kind {
	switch status {
	case 400:
		return InvalidRequest
	case 401, 407:
		return NotAuthenticated
	case 403:
		return PermissionDenied
	case 404:
		return NotFound
	case 405:
		return MethodNotAllowed
	case 406:
		return NotAcceptable
	case 408:
		return RequestTimeout
	case 409:
		return Conflict
	case 410:
		return Gone
	case 411:
		return LengthRequired
	case 412:
		return PreconditionFailed
	case 413:
		return PayloadTooLarge
	case 414:
		return URITooLong
	case 415:
		return UnsupportedMediaType
	case 416:
		return RangeNotSatisfiable
	case 422:
		return Unprocessable
	case 428:
		return PreconditionRequired
	case 429:
		return RateLimited
	case 431:
		return HeaderTooLarge
	case 499:
		return Canceled
	case 501:
		return NotImplemented
	case 502:
		return BadGateway
	case 503:
		return Unavailable
	case 504:
		return Timeout
	case 505:
		return HTTPVersionNotSupported
	}
	switch {
	case status >= 400 && status < 500:
		return ClientError
	case status >= 500 && status < 600:
		return Internal
	}
	return Unknown
}

// statusText is http.StatusText with the one non-standard status we use.
func statusText(code int) string {
	if code == 499 {
		return "Client Closed Request"
	}
	return http.StatusText(code)
}
