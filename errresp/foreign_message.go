package errresp

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxForeignMessage bounds the message taken from a body that is not an
// envelope, in bytes.
const maxForeignMessage = 200

// foreignMessage returns the text of an error body that is not an envelope
// as a client may see it: its first line, with markup, control characters
// and invalid UTF-8 removed, spaces trimmed, cut to maxForeignMessage bytes
// on a character boundary. An HTML body (by its Content-Type or its first
// byte) gives "", so the style's summary is used instead.
func foreignMessage(contentType string, body []byte) string {
	body = bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(body) == 0 || body[0] == '<' || isHTML(contentType) {
		return ""
	}
	if i := bytes.IndexAny(body, "\r\n"); i >= 0 {
		body = body[:i]
	}
	var b strings.Builder
	b.Grow(min(len(body), maxForeignMessage))
	inTag := false
	space := false
	for len(body) > 0 && b.Len() < maxForeignMessage {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		switch {
		case inTag:
			inTag = r != '>'
			continue
		case r == '<':
			inTag = true
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == utf8.RuneError && size <= 1,
			unicode.IsControl(r), unicode.Is(unicode.Cf, r): // bidi overrides, zero-width
			continue
		}
		if space {
			if b.Len()+1+size > maxForeignMessage {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+size > maxForeignMessage {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isHTML reports whether the Content-Type names HTML or XHTML.
func isHTML(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	return strings.EqualFold(mt, "text/html") || strings.EqualFold(mt, "application/xhtml+xml")
}
