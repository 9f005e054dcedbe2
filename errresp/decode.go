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
// It never fails. A body in no known style gives an *Error whose kind
// follows the status (KindForStatus: every status from 400 to 599 has one,
// 419, 499 and 520 included) and whose message is the body's first line
// when it is plain text (bounded, markup and control characters removed),
// or the status's phrase. The decoded error's HTTPStatus is the status when
// the style (or the kind, for a body in no style) would answer its kind
// with another.
func DecodeBody(status int, contentType string, body []byte) *Error {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	if d.Decode(&m) == nil && m != nil {
		mt, _, _ := mime.ParseMediaType(contentType)
		if mt == "application/problem+json" {
			if e, ok := Problem().Parse(m); ok {
				return decoded(e, Problem(), status)
			}
		}
		for _, s := range Styles() {
			if s.Parse == nil {
				continue
			}
			if e, ok := s.Parse(m); ok {
				return decoded(e, s, status)
			}
		}
	}
	e := &Error{Kind: KindForStatus(status)}
	if m == nil && !json.Valid(body) {
		e.Message = foreignMessage(contentType, body)
	}
	if e.Message == "" {
		e.Message = statusText(status)
	}
	if e.Kind != Unknown && e.Kind.Status() != status {
		e.HTTPStatus = status
	}
	return e
}

// decoded completes an error that style s parsed from a response with the
// status: a kind from the status when the body named none, and the status
// itself when s would answer the kind with another.
func decoded(e *Error, s *Style, status int) *Error {
	if e.Kind == Unknown {
		e.Kind = KindForStatus(status)
	}
	if status >= 400 && status <= 599 {
		if _, c, _ := s.resolve(e); c.Status != status {
			e.HTTPStatus = status
		}
	}
	return e
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
		if sc, ok := declared(code); ok {
			e.Kind = sc.Kind
		}
	}
}

func info(v any) map[string]any {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	return m
}
