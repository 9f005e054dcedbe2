package errresp

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
)

// The one reader of error bodies: DecodeRaw (and through it Decode and
// DecodeBody) for a client, and the interception of a handler's own JSON
// error for a server (intercept.go), read a body the same way.

// shape is what readBody found a body to be.
type shape uint8

const (
	// shapeText: not JSON (or labelled JSON and not parsing, or cut off).
	shapeText shape = iota
	// shapeJSON: JSON in no shape the reader knows.
	shapeJSON
	// shapeStyle: the envelope of a registered style, all its required
	// members present.
	shapeStyle
	// shapeForeign: an error shape other APIs and frameworks write
	// (foreign_json.go).
	shapeForeign
)

// read is what readBody makes of an error body.
type read struct {
	e     *Error
	shape shape
	style *Style // the style recognised (shapeStyle)
	// code is the machine-readable code the body carried, verbatim; "" when
	// it carried none.
	code string
	// startsJSON: the body's first byte, past white space, opens a JSON
	// object or array (it may still not parse).
	startsJSON bool
}

// readBody reads an error body of the status. The error it returns has a
// kind (the style's, a declared code's, or the status's), and whatever
// message, code (only where it is not the recognised style's own for the
// kind), fields, info and request id the body carried; its HTTPStatus is
// not set. prefer, when not nil, is tried first among the styles.
func readBody(status int, contentType string, body []byte, prefer *Style) read {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	r := read{startsJSON: len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')}
	var v any
	if len(trimmed) > 0 && (contentType == "" || isJSONMediaType(contentType) || r.startsJSON) && json.Unmarshal(body, &v) == nil {
		r.shape = shapeJSON
		if m, ok := v.(map[string]any); ok {
			readObject(&r, status, contentType, m, prefer)
		}
	}
	if r.e == nil {
		r.e = &Error{Kind: KindForStatus(status)}
		if r.shape == shapeText && !r.startsJSON {
			r.e.Message = foreignMessage(contentType, body)
		}
	}
	if r.e.Kind == Unknown {
		r.e.Kind = KindForStatus(status)
	}
	return r
}

// readObject recognises a JSON object: a registered style's envelope (a
// problem body first when it is labelled one), else a foreign shape.
func readObject(r *read, status int, contentType string, m map[string]any, prefer *Style) {
	try := func(s *Style) bool {
		if s == nil || s.Parse == nil || !hasRequired(s, m) {
			return false
		}
		e, ok := s.Parse(m)
		if !ok {
			return false
		}
		r.e, r.shape, r.style = e, shapeStyle, s
		r.code = e.Code
		if s.schema != nil && s.schema.codeMember != "" {
			r.code = wireString(m[s.schema.codeMember])
		} else if r.code == "" && e.Kind != Unknown {
			r.code = s.code(e.Kind).Code
		}
		return true
	}
	if try(prefer) {
		return
	}
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/problem+json" && try(Problem()) {
		return
	}
	for _, s := range Styles() {
		if s != prefer && try(s) {
			return
		}
	}
	if e, code, ok := readForeign(status, m); ok {
		r.e, r.shape, r.code = e, shapeForeign, code
	}
}

// hasRequired reports whether m has every member s's envelope always
// carries (for a style with a schema: the built-in and declared ones), so
// that a body with only some of them (gin's {"error":"..."} beside AuthPI's
// {"error":"...","error_description":"..."}) is not taken for s.
func hasRequired(s *Style, m map[string]any) bool {
	if s.schema == nil {
		return true
	}
	for _, k := range s.schema.required {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// DecodeRaw is the reader of error responses that Decode, DecodeBody, the
// client package and the interception of a handler's own JSON errors share,
// for a response already read: its status, header and body (Decode and the
// client read at most MaxDecodeBody bytes of it; a JSON body cut there does
// not parse, and is read as text). It never fails, and never returns nil.
//
// The body is read as JSON when its Content-Type says so, when it has none,
// or when it starts with '{' or '['; a body that does not then parse (cut
// off, or mislabelled) is text. A JSON object is recognised, in order, as:
// the envelope of a registered style whose required members are all present
// (Problem first when the Content-Type is application/problem+json); RFC
// 9457 problem details from other servers, their "errors" array (huma's
// location and message) read as field errors; an "errors" array (JSON:API,
// GitHub's {"message","errors","documentation_url"}, and other lists of
// failures); an "error" object (Google's {"error":{"code","message",
// "status"}}, Stripe's {"error":{"type","code","message","param"}}); an
// "error" string (gin's {"error":"..."}); a "message" string (echo's
// {"message":"..."}). Text gives its first line as the message (HTML and
// JSON that does not parse give none).
//
// The returned error holds what was on the wire:
//
//   - Kind: the kind the style's code names, or a declared code's
//     (DeclareCodes), else the kind of the status (KindForStatus).
//   - Code: the machine-readable code the body carried, verbatim (a style's
//     code member, Google's status, Stripe's code or else its type, the
//     "code" member of other shapes); "" when it carried none.
//   - HTTPStatus: the status, when it is from 400 to 599.
//   - Message: the body's human-readable message, verbatim; else the first
//     line of a text body; else the status's phrase, or for a status
//     that has none the kind's summary.
//   - Fields: the body's per-field failures.
//   - Info: the body's other members (of a style: those it puts there).
//   - RequestID: the X-Request-ID header, else Request-Id (Stripe),
//     else X-GitHub-Request-Id, else the body's.
//   - RetryAfter: the Retry-After header, in seconds or as a date.
//   - Header: the WWW-Authenticate challenges, if any.
//
// To answer a decoded error again in a style of one's own, clear Code and
// HTTPStatus first, so that the style's own code and status are used.
func DecodeRaw(status int, header http.Header, body []byte) *Error {
	r := readBody(status, header.Get("Content-Type"), body, nil)
	e := r.e
	e.Code = r.code
	if e.Message == "" {
		e.Message = statusText(status)
	}
	if e.Message == "" && e.Kind != Unknown {
		e.Message = e.Kind.Summary() // a status with no phrase (520)
	}
	if status >= 400 && status <= 599 {
		e.HTTPStatus = status
	}
	for _, k := range requestIDHeaders {
		if v := header.Get(k); v != "" {
			e.RequestID = v
			break
		}
	}
	e.RetryAfter = retryAfter(header.Get("Retry-After"))
	if wa := header.Values("WWW-Authenticate"); len(wa) > 0 {
		e.Header = http.Header{"Www-Authenticate": wa}
	}
	return e
}

// requestIDHeaders are the headers a request id is read from, in order.
var requestIDHeaders = []string{HeaderRequestID, "Request-Id", "X-Github-Request-Id"}
