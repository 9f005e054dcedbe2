package errresp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"
)

// Error is the one value every failure in a service becomes before it is
// written. It keeps what the client may see (Kind, Message, Fields, Info, ...)
// apart from what it must not (Err, the internal cause, which is never
// rendered).
//
// # Message, code and status
//
// One rule decides what a style writes: what the service gave wins, else
// the style's own for the error's code.
//
//   - Code: Code when set, else the style's code for Kind.
//   - Status: HTTPStatus when it is from 400 to 599, else the status of the
//     code (the style's for Kind; a code declared with DeclareCodes has its
//     own).
//   - Message: Message when set, else the style's text for the code: a
//     declared code's title; else the style's message for Kind, which is
//     the text its page gives (Style.Messages), else the library's sentence
//     for the kind where it has one (the authentication kinds), else the
//     code's title.
//
// So a kind says one thing in a style whatever produced it (a handler, the
// middleware, a panic, an intercepted response), unless the service said
// something of its own. The example of Error shows each case.
//
// An *Error is not safe to modify while another goroutine writes it.
type Error struct {
	// Kind is the provider-neutral reason. Unknown is written as Internal.
	Kind Kind
	// Message is the client-facing text, the service's own: it wins over
	// the style's (see Message, code and status above). From, a recovered
	// panic, an intercepted response (but for a 4xx handler's own text) and
	// the library's own failures leave it empty.
	Message string
	// Code, when set, replaces the style's code for the kind (the status stays
	// the style's, or the declared code's). Use it for a service-specific code
	// such as "VM_LOCKED".
	// Decode sets it to the code the body carried, whatever it was (clear it
	// to answer a decoded error in a style of one's own).
	Code string
	// HTTPStatus, when it is from 400 to 599, is the status the error is
	// written with, whatever status the style gives its kind: for a service
	// that needs a status the style would not pick (a 418, a 451), and for
	// a response intercepted from a handler, whose status is kept. Other
	// values are ignored. Decode sets it to the response's status.
	HTTPStatus int
	// Fields lists per-field validation failures.
	Fields []FieldError
	// Info holds structured extras: quota numbers, "totpConfigured",
	// rate-limit state. Values are strings, booleans, numbers, time.Time,
	// slices and maps of those, or anything encoding/json can marshal.
	Info map[string]any
	// RetryAfter, when positive, is sent as a Retry-After header, rounded up
	// to whole seconds.
	RetryAfter time.Duration
	// Header holds extra response headers, such as WWW-Authenticate or Allow.
	Header http.Header
	// RequestID is filled in by Decode; Write takes the id from the request.
	RequestID string
	// Err is the internal cause. It is returned by Unwrap and logged by the
	// middleware, and never written to a response body.
	Err error
}

// FieldError is one field that failed validation. It never holds the rejected
// value, which may be a password.
//
// The struct tags give the member names of encoding/json and of the
// provider styles (GPCN, DevDocs, Gcore, AuthPI). A style writes a field
// error with member names of its own (FieldNames): the Problem style, as RFC
// 9457's example does, writes Pointer in URI-fragment form with a "#" before
// it ("#/items/0/name") and Message as "detail":
//
//	{"field":"items[0].name","pointer":"#/items/0/name","in":"body","rule":"min","param":"3","detail":"..."}
//
// Decode reads either form back into the same FieldError (Pointer without
// the "#").
type FieldError struct {
	// Field is the JSON path, such as "items[0].name", or the parameter name.
	Field string `json:"field"`
	// Pointer is the RFC 6901 JSON pointer, such as "/items/0/name"; empty for
	// parameters. The Problem style sends it as "#/items/0/name".
	Pointer string `json:"pointer,omitempty"`
	// In is where the field is: "body" (the default when empty), "query",
	// "path" or "header".
	In string `json:"in,omitempty"`
	// Rule is the rule that failed, such as "required" or "min".
	Rule string `json:"rule,omitempty"`
	// Param is the rule's parameter, such as "3" for min=3.
	Param string `json:"param,omitempty"`
	// Message is an English sentence a person can act on; the Problem style
	// sends it as "detail".
	Message string `json:"message"`
}

// New returns an *Error of the kind with a client-facing message.
func New(kind Kind, message string) *Error {
	return &Error{Kind: kind, Message: message}
}

// Newf is New with a formatted message.
func Newf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of the kind whose internal cause is err. The message
// is what the client sees; err is never shown to it.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// NewInvalid returns an InvalidRequest error listing the fields that failed.
func NewInvalid(message string, fields ...FieldError) *Error {
	return &Error{Kind: InvalidRequest, Message: message, Fields: fields}
}

// Error implements error. The text holds the kind and the message and, when
// there is one, the cause; it is for logs, not for clients.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	} else {
		msg = e.Kind.String() + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error whose set fields all match e: a
// target with only a Kind matches any error of that kind, so
// errors.Is(err, &errresp.Error{Kind: errresp.NotFound}) reads as "is a not
// found". Message and Code are compared when the target sets them.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == nil {
		return false
	}
	if t.Kind != Unknown && t.Kind != e.effectiveKind() {
		return false
	}
	if t.Message != "" && t.Message != e.Message {
		return false
	}
	if t.Code != "" && t.Code != e.Code {
		return false
	}
	return true
}

// effectiveKind is e's own kind, else the kind its Code is declared with
// (DeclareCodes), else the inner error's, so that an error with only a
// declared code, or an unkinded error wrapping a kinded one, keeps the
// reason.
func (e *Error) effectiveKind() Kind {
	if e.Kind != Unknown {
		return e.Kind
	}
	if sc, ok := declared(e.Code); ok {
		return sc.Kind
	}
	var inner *Error
	if e.Err != nil && errors.As(e.Err, &inner) {
		return inner.effectiveKind()
	}
	return Unknown
}

// With adds one Info entry and returns e, for chaining at the call site:
//
//	errresp.New(errresp.TwoFactorRequired, "2FA needed").With("totpConfigured", true)
func (e *Error) With(key string, value any) *Error {
	if e.Info == nil {
		e.Info = make(map[string]any, 4)
	}
	e.Info[key] = value
	return e
}

// WithHeader adds a response header and returns e.
func (e *Error) WithHeader(key, value string) *Error {
	if e.Header == nil {
		e.Header = make(http.Header, 2)
	}
	e.Header.Add(key, value)
	return e
}

// Status returns the HTTP status the error is written with in style s (nil
// means the default style).
func (e *Error) Status(s *Style) int {
	if s == nil {
		s = Default
	}
	_, c, _ := s.resolve(e)
	return c.Status
}

// ownStatus reports whether e carries a status of its own (HTTPStatus).
func (e *Error) ownStatus() bool { return e.HTTPStatus >= 400 && e.HTTPStatus <= 599 }

func (e *Error) kindOrInternal() Kind {
	if k := e.effectiveKind(); k != Unknown {
		return k
	}
	return Internal
}

// Retryable reports whether the request that failed with e may succeed if
// sent again unchanged (after RetryAfter, when set); see Kind.Retryable.
func (e *Error) Retryable() bool { return e.kindOrInternal().Retryable() }

// KindOf returns the kind of the first *Error in err's chain (its declared
// code's kind when it has a code and no kind of its own, as From gives it),
// Internal for any other non-nil error (an *Error without a kind included:
// it is written as Internal), and Unknown for nil.
func KindOf(err error) Kind {
	if err == nil {
		return Unknown
	}
	return From(err).kindOrInternal()
}

// asError is errors.As for *Error, kept out of From so that the common case
// (err is an *Error) does not allocate.
//
//go:noinline
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// From turns any error into an *Error. The first *Error in err's chain is
// returned as it is (with the kind, where its own is unset, taken from its
// declared code (DeclareCodes) or else from an inner error, and its
// HTTPStatus kept); context.DeadlineExceeded,
// http.ErrHandlerTimeout and os.ErrDeadlineExceeded (a read of the body
// past its deadline) become Timeout, context.Canceled becomes Canceled,
// *http.MaxBytesError becomes PayloadTooLarge naming the limit,
// http.ErrNotSupported becomes NotImplemented;
// anything else becomes Internal with err as its cause, so nothing of its
// text reaches a client. The errors From makes carry no message: they are
// written with the style's message for their kind, as every other producer's
// error of that kind without a message of the service's own. From(nil)
// returns nil.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		e = asError(err)
	}
	if e != nil {
		if e.Kind == Unknown {
			if k := e.effectiveKind(); k != Unknown {
				c := *e
				c.Kind = k
				return &c
			}
		}
		return e
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &Error{Kind: PayloadTooLarge, Message: "The request body is larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes.", Err: err}
	case errors.Is(err, http.ErrNotSupported):
		return &Error{Kind: NotImplemented, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, http.ErrHandlerTimeout), errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{Kind: Timeout, Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Kind: Canceled, Err: err}
	}
	return &Error{Kind: Internal, Err: err}
}
