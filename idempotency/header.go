package idempotency

import (
	"errors"
	"strings"
)

// Header is the request header field that carries the key
// (draft-ietf-httpapi-idempotency-key-header-07).
const Header = "Idempotency-Key"

// DefaultMaxKeyLength is the longest key accepted by default, in bytes of
// the key itself (without quotes): 255, as the payment providers document.
const DefaultMaxKeyLength = 255

// Why a header value is not a key; the texts reach clients in the 400.
var (
	errKeyMany      = errors.New("more than one Idempotency-Key header")
	errKeyEmpty     = errors.New("the Idempotency-Key header is empty")
	errKeyMalformed = errors.New("the Idempotency-Key header is not a structured-field string or a token")
	errKeyLong      = errors.New("the Idempotency-Key header is too long")
)

// ParseKey returns the key of a request's Idempotency-Key field lines
// (Header.Values), and whether there was one. The draft makes the field a
// structured-field string (RFC 9651): "8e03978e-40d5-43e8-bc93-6894a57f9324",
// with \" and \\ the only escapes and printable ASCII inside; parameters
// after it (;a=1) are allowed and ignored, as RFC 9651 asks. A bare key of
// visible ASCII without quotes, commas, semicolons or backslashes is
// accepted as the providers send it. The key must not be empty or longer
// than maxLen bytes (0 means DefaultMaxKeyLength); more than one field line,
// or a list, is an error.
func ParseKey(values []string, maxLen int) (key string, ok bool, err error) {
	switch len(values) {
	case 0:
		return "", false, nil
	case 1:
	default:
		return "", true, errKeyMany
	}
	if maxLen <= 0 {
		maxLen = DefaultMaxKeyLength
	}
	v := strings.Trim(values[0], " \t")
	if v == "" {
		return "", true, errKeyEmpty
	}
	if v[0] == '"' {
		key, err = parseSFString(v, maxLen)
	} else {
		key, err = parseBare(v, maxLen)
	}
	return key, true, err
}

// parseSFString parses a structured-field string item with optional
// parameters.
func parseSFString(v string, maxLen int) (string, error) {
	var b []byte // only when an escape is met
	i := 1
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			if i+1 >= len(v) || (v[i+1] != '"' && v[i+1] != '\\') {
				return "", errKeyMalformed
			}
			if b == nil {
				b = append(make([]byte, 0, len(v)), v[1:i]...)
			}
			i++
			b = append(b, v[i])
		case c == '"':
			key := v[1:i]
			if b != nil {
				key = string(b)
			}
			if err := checkParams(v[i+1:]); err != nil {
				return "", err
			}
			return checkLen(key, maxLen)
		case c < 0x20 || c > 0x7e:
			return "", errKeyMalformed
		default:
			if b != nil {
				b = append(b, c)
			}
		}
	}
	return "", errKeyMalformed // no closing quote
}

// checkParams accepts what may follow an item: nothing, or parameters
// (;key or ;key=value, RFC 9651 3.1.2), which are ignored. Their values are
// checked only for characters that would make the field a list.
func checkParams(rest string) error {
	if rest == "" {
		return nil
	}
	if rest[0] != ';' {
		return errKeyMalformed
	}
	for _, p := range strings.Split(rest[1:], ";") {
		p = strings.TrimLeft(p, " ")
		name, _, _ := strings.Cut(p, "=")
		if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] == '*') {
			return errKeyMalformed
		}
		for i := 0; i < len(p); i++ {
			if c := p[i]; c < 0x20 || c > 0x7e || c == ',' {
				return errKeyMalformed
			}
		}
	}
	return nil
}

func parseBare(v string, maxLen int) (string, error) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c <= 0x20 || c > 0x7e, c == '"', c == ',', c == ';', c == '\\':
			return "", errKeyMalformed
		}
	}
	return checkLen(v, maxLen)
}

func checkLen(key string, maxLen int) (string, error) {
	switch {
	case key == "":
		return "", errKeyEmpty
	case len(key) > maxLen:
		return "", errKeyLong
	}
	return key, nil
}
