package errresp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxDecodeBody is the most of a response body Decode reads.
const MaxDecodeBody = 1 << 20

// Decode turns an error response of any registered style, or of another
// API or framework, back into an *Error, without being told the style (see
// DecodeRaw for what it recognises and which field holds what). It reads at
// most MaxDecodeBody bytes and closes the body.
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
	return DecodeRaw(resp.StatusCode, resp.Header, body), nil
}

// DecodeBody is DecodeRaw for a response whose only header is its
// Content-Type. It never fails. A body in no known shape gives an *Error
// whose kind follows the status (KindForStatus: every status from 400 to
// 599 has one, 419, 499 and 520 included) and whose message is the body's
// first line when it is plain text (bounded, markup and control characters
// removed), or the status's phrase.
func DecodeBody(status int, contentType string, body []byte) *Error {
	return DecodeRaw(status, http.Header{"Content-Type": {contentType}}, body)
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date from now.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 && n < 1<<31 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
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
