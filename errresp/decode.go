package errresp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxDecodeBody is the most of a response body Decode reads.
const MaxDecodeBody = 1 << 20

// Decode turns an error response of any registered style back into an
// *Error, without being told the style: it recognises the envelope by its
// members, then recovers the kind (from the code, or the style's
// discriminator where codes are shared), message, fields, info, request id and
// Retry-After. A body in no known style gives an *Error whose kind follows
// the status. Decode reads at most MaxDecodeBody bytes and closes the body.
//
// It returns an error only when resp is not an error response (status below
// 400) or the body cannot be read.
func Decode(resp *http.Response) (*Error, error) {
	if resp == nil {
		return nil, errors.New("errresp: nil response")
	}
	defer resp.Body.Close()
	if resp.StatusCode < 400 {
		return nil, fmt.Errorf("errresp: status %d is not an error", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDecodeBody))
	if err != nil {
		return nil, fmt.Errorf("errresp: reading error body: %w", err)
	}
	e := DecodeBody(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get(HeaderRequestID)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if n, err := strconv.ParseInt(strings.TrimSpace(ra), 10, 64); err == nil && n >= 0 && n < 1<<31 {
			e.RetryAfter = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			if d := time.Until(t); d > 0 {
				e.RetryAfter = d
			}
		}
	}
	if wa := resp.Header.Values("WWW-Authenticate"); len(wa) > 0 {
		e.Header = http.Header{"Www-Authenticate": wa}
	}
	return e, nil
}

// DecodeBody is Decode for a status, a Content-Type and a body already read.
// It never fails: a body in no known style gives an *Error whose kind follows
// the status.
func DecodeBody(status int, contentType string, body []byte) *Error {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	if d.Decode(&m) == nil && m != nil {
		mt, _, _ := mime.ParseMediaType(contentType)
		if mt == "application/problem+json" {
			if e, ok := Problem.Parse(m); ok {
				return e
			}
		}
		for _, s := range Styles() {
			if s.Parse == nil {
				continue
			}
			if e, ok := s.Parse(m); ok {
				if e.Kind == Unknown {
					e.Kind = kindForStatus(status)
				}
				return e
			}
		}
	}
	return &Error{Kind: kindForStatus(status), Message: statusText(status)}
}

// kindForStatus is the kind a bare status most likely means.
func kindForStatus(status int) Kind {
	switch status {
	case 400, 422:
		return InvalidRequest
	case 401:
		return NotAuthenticated
	case 403:
		return PermissionDenied
	case 404, 410:
		return NotFound
	case 405:
		return MethodNotAllowed
	case 409:
		return Conflict
	case 412:
		return PreconditionFailed
	case 413:
		return PayloadTooLarge
	case 415:
		return UnsupportedMediaType
	case 428:
		return PreconditionRequired
	case 429:
		return RateLimited
	case 499:
		return Canceled
	case 503:
		return Unavailable
	case 504, 408:
		return Timeout
	}
	if status >= 500 {
		return Internal
	}
	if status >= 400 {
		return InvalidRequest
	}
	return Unknown
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// rest returns the members of body not in reserved, or nil.
func rest(body map[string]any, reserved []string) map[string]any {
	var out map[string]any
	for k, v := range body {
		if slices.Contains(reserved, k) {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[k] = v
	}
	return out
}

func parseFields(v any, n FieldNames) []FieldError {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]FieldError, 0, len(arr))
	for _, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		f := FieldError{
			Field:   str(m[n.Field]),
			In:      str(m[n.In]),
			Rule:    str(m[n.Rule]),
			Param:   str(m[n.Param]),
			Message: str(m[n.Message]),
		}
		if p := str(m[n.Pointer]); p != "" {
			f.Pointer = strings.TrimPrefix(p, n.PointerPrefix)
		}
		out = append(out, f)
	}
	return out
}

// codeAndKind fills e's Kind (and Code, when the body's code is not the
// style's own for that kind) from a code and optional reason.
func codeAndKind(s *Style, e *Error, code, reason string) {
	e.Kind = s.kindOf(code, reason)
	if e.Kind == Unknown {
		e.Code = code
	}
}

func info(v any) map[string]any {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	return m
}

func init() {
	GPCN.Parse = func(body map[string]any) (*Error, bool) {
		if _, ok := body["success"].(bool); !ok {
			return nil, false
		}
		code, ok := body["error"].(string)
		if !ok {
			return nil, false
		}
		e := &Error{Message: str(body["message"]), RequestID: str(body["requestId"])}
		codeAndKind(GPCN, e, code, "")
		e.Fields = parseFields(body["fields"], fieldNames)
		e.Info = rest(body, gpcnReserved)
		return e, true
	}
	DevDocs.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body["code"].(string)
		if !ok {
			return nil, false
		}
		if _, ok := body["title"].(string); !ok {
			return nil, false
		}
		e := &Error{Message: str(body["message"]), RequestID: str(body["request_id"])}
		codeAndKind(DevDocs, e, code, str(body["reason"]))
		e.Fields = parseFields(body["errors"], fieldNames)
		e.Info = info(body["info"])
		return e, true
	}
	Gcore.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body["exception_class"].(string)
		if !ok {
			return nil, false
		}
		e := &Error{Message: str(body["message"]), RequestID: str(body["request_id"])}
		in := info(body["info"])
		reason := str(in["reason"])
		codeAndKind(Gcore, e, code, reason)
		if reason != "" && Gcore.shared(e.Kind) {
			delete(in, "reason")
			if len(in) == 0 {
				in = nil
			}
		}
		e.Info = in
		e.Fields = parseFields(body["invalid_fields"], fieldNames)
		return e, true
	}
	AuthPI.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body["error"].(string)
		if !ok {
			return nil, false
		}
		if _, ok := body["success"]; ok {
			return nil, false
		}
		e := &Error{Message: str(body["error_description"]), RequestID: str(body["request_id"])}
		codeAndKind(AuthPI, e, code, "")
		e.Fields = parseFields(body["fields"], fieldNames)
		e.Info = rest(body, authpiReserved)
		return e, true
	}
}
