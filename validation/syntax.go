package validation

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/jsonv2"
)

// The first step of decoding: is the body one well-formed JSON object, no
// deeper than the limit? encoding/json v2 answers; this file words its
// answer for a person, with the line, column and byte offset of the problem.

// errEmpty is the answer to a request without a body.
func errEmpty() *errresp.Error {
	return errresp.New(errresp.InvalidRequest, "The request body is empty; send a JSON object.")
}

// firstByte returns the offset of the first byte of buf that is not JSON
// whitespace, or len(buf).
func firstByte(buf []byte) int {
	i := 0
	for i < len(buf) && isSpace(buf[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// notAnObject is the answer to a well-formed body whose top-level value, which
// starts with c, is not an object.
func notAnObject(c byte) *errresp.Error {
	what := "a number"
	switch c {
	case 'n':
		return errresp.New(errresp.InvalidRequest, "The request body is null; send a JSON object.")
	case '[':
		what = "an array"
	case '"':
		what = "a string"
	case 't', 'f':
		what = "a boolean"
	}
	return errresp.New(errresp.InvalidRequest, "The request body is "+what+"; send a JSON object.")
}

// mayNestDeeper reports whether buf holds more opening brackets than max, so
// that it might nest deeper than max; a body that does not is not read token
// by token before it is decoded.
func mayNestDeeper(buf []byte, max int) bool {
	return len(buf) > max && bytes.Count(buf, []byte{'{'})+bytes.Count(buf, []byte{'['}) > max
}

// checkSyntax reads buf, a body decoded into t, token by token and turns its
// first problem into a 400: a syntax error, a body that ends too early,
// nesting deeper than d.maxDepth, a duplicate member name, or data after the
// top-level value.
func (d *Decoder) checkSyntax(buf []byte, t reflect.Type) *errresp.Error {
	dec := jsonv2.NewDecoder(bytes.NewBuffer(buf), d.jsonOpts)
	for {
		_, err := dec.ReadToken()
		if err != nil {
			return d.syntaxError(buf, t, dec, err)
		}
		depth := dec.StackDepth()
		if depth > d.maxDepth {
			return problemError(buf, int(dec.InputOffset())-1,
				"The request body nests objects and arrays deeper than "+strconv.Itoa(d.maxDepth)+" levels", "")
		}
		if depth == 0 {
			break
		}
	}
	off := int(dec.InputOffset())
	off += firstByte(buf[off:])
	if off < len(buf) {
		return problemError(buf, off, "The request body has more data after the JSON object", "; send exactly one object.")
	}
	return nil
}

// syntaxError words err, which dec met reading buf, a body decoded into t.
// What was expected is read from v2's error text; where that text is not
// recognised, the message names the place and what was found, without it.
func (d *Decoder) syntaxError(buf []byte, t reflect.Type, dec *jsonv2.Decoder, err error) *errresp.Error {
	var se *jsonv2.SyntacticError
	if !errors.As(err, &se) {
		if err == io.EOF { // nothing but whitespace; Decode refuses that before
			return errEmpty()
		}
		return errresp.Wrap(errresp.InvalidRequest, err, "The request body could not be read as JSON.")
	}
	if se.Err == jsonv2.ErrDuplicateName {
		return duplicate(pathOf(t, se.JSONPointer, d.fold))
	}
	kind, length := dec.StackIndex(dec.StackDepth())
	inObject, inArray := kind == '{', kind == '['
	if inObject && length%2 == 0 {
		if e := badMemberName(buf, int(dec.InputOffset()), length); e != nil {
			return e
		}
	}
	if errors.Is(se.Err, io.ErrUnexpectedEOF) {
		return problemError(buf, len(buf), "The request body ends too early",
			": expected "+expectedAtEnd(buf[dec.InputOffset():], inObject, inArray, length)+"; the JSON is incomplete.")
	}
	off := int(se.ByteOffset)
	found := "unexpected " + describe(buf[min(off, len(buf)):])
	why := se.Err.Error()
	var expect string
	switch {
	case strings.Contains(why, "max depth"):
		return problemError(buf, off, "The request body nests objects and arrays deeper than "+strconv.Itoa(maxDepthLimit)+" levels", "")
	case strings.Contains(why, "after top-level value"):
		return problemError(buf, off, "The request body has more data after the JSON object", "; send exactly one object.")
	case strings.Contains(why, "at start of value"):
		if next, ok := afterTrailingComma(buf, off); ok {
			off, found = next, "unexpected "+describe(buf[next:]) // the bracket is what is wrong
		}
		switch {
		case inObject && length%2 == 0:
			expect = "a quoted member name"
		case inArray && length == 0:
			expect = "a value or ']'"
		default:
			expect = "a value"
		}
	case strings.Contains(why, "after object name"):
		expect = "':' after the member name"
	case strings.Contains(why, "after object value"):
		expect = "',' or '}'"
	case strings.Contains(why, "after array"):
		expect = "',' or ']'"
	case strings.Contains(why, "escape sequence"), strings.Contains(why, "surrogate pair"):
		found = "a bad escape sequence"
		expect = `an escape character (one of "\/bfnrt, or u and four hexadecimal digits forming a valid character) after a backslash`
	case strings.Contains(why, "UTF-8"):
		expect = "text encoded as UTF-8"
	case strings.Contains(why, "in string"):
		expect = "a character that is allowed in a string (control characters must be escaped)"
	case strings.Contains(why, "in literal "):
		lit, _, _ := strings.Cut(why[strings.Index(why, "in literal ")+len("in literal "):], " ")
		expect = "the rest of " + lit
	case strings.Contains(why, "in number"):
		expect = "a digit"
	}
	if expect != "" {
		expect = ", expected " + expect
	}
	return problemError(buf, off, "The request body is not valid JSON: "+found, expect+".")
}

// badMemberName is the 400 for an object, holding length names and values,
// where a member name must come after offset off and something else does.
// v2 may have read a number or a literal there before it failed, but the
// first byte of it was already wrong.
func badMemberName(buf []byte, off int, length int64) *errresp.Error {
	start := off + firstByte(buf[off:])
	nameNext := length == 0
	if length > 0 && start < len(buf) && buf[start] == ',' {
		start++
		start += firstByte(buf[start:])
		nameNext = true
	}
	if !nameNext || start >= len(buf) || buf[start] == '"' || buf[start] == '}' && length == 0 {
		return nil
	}
	expect := "a quoted member name"
	if length == 0 {
		expect += " or '}'"
	}
	return problemError(buf, start, "The request body is not valid JSON: unexpected "+describe(buf[start:]), ", expected "+expect+".")
}

// afterTrailingComma reports whether off is a comma that follows a value and
// precedes a closing bracket, and returns the bracket's offset.
func afterTrailingComma(buf []byte, off int) (int, bool) {
	if off >= len(buf) || buf[off] != ',' {
		return 0, false
	}
	prev := off - 1
	for prev >= 0 && isSpace(buf[prev]) {
		prev--
	}
	if prev < 0 || buf[prev] == ',' || buf[prev] == '{' || buf[prev] == '[' {
		return 0, false
	}
	next := off + 1 + firstByte(buf[off+1:])
	return next, next < len(buf) && (buf[next] == '}' || buf[next] == ']')
}

// expectedAtEnd says what a body that ends too early lacks. rest is what
// follows the last complete token; the innermost open container is an
// object, an array or neither, and holds length names and values.
func expectedAtEnd(rest []byte, inObject, inArray bool, length int64) string {
	var last byte
	if trimmed := bytes.TrimRight(rest, " \t\r\n"); len(trimmed) > 0 {
		last = trimmed[len(trimmed)-1]
	}
	rest = bytes.TrimLeft(rest, " \t\r\n:,")
	switch {
	case len(rest) > 0 && rest[0] == '"':
		return "the closing quote of a string"
	case len(rest) > 0 && rest[0] == 't':
		return "the rest of true"
	case len(rest) > 0 && rest[0] == 'f':
		return "the rest of false"
	case len(rest) > 0 && rest[0] == 'n':
		return "the rest of null"
	case len(rest) > 0:
		return "the rest of a number"
	case last == ',' && inObject:
		return "a quoted member name"
	case last == ',' || last == ':':
		return "a value"
	case inObject && length == 0:
		return "a quoted member name or '}'"
	case inObject && length%2 == 1:
		return "':' after the member name"
	case inObject:
		return "',' or '}'"
	case inArray && length == 0:
		return "a value or ']'"
	case inArray:
		return "',' or ']'"
	}
	return "a value"
}

// problemError is a 400 whose message is what, the place of off, then tail;
// its info carries the offset, line and column.
func problemError(buf []byte, off int, what, tail string) *errresp.Error {
	line, col := lineCol(buf, off)
	msg := what + " at line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + " (byte offset " + strconv.Itoa(off) + ")" + tail
	if tail == "" {
		msg += "."
	}
	return errresp.New(errresp.InvalidRequest, msg).With("offset", off).With("line", line).With("column", col)
}

// describe names the character at the start of b for a person.
func describe(b []byte) string {
	if len(b) == 0 {
		return "the end of the body"
	}
	r, n := utf8.DecodeRune(b)
	switch {
	case r == utf8.RuneError && n <= 1:
		return "the byte 0x" + strconv.FormatUint(uint64(b[0]), 16)
	case r < 0x20 || r == 0x7f:
		return "the control character " + strconv.QuoteRune(r)
	case r < utf8.RuneSelf:
		return strconv.QuoteRune(r)
	}
	return strconv.QuoteRune(r) + " (U+" + strconv.FormatInt(int64(r), 16) + ")"
}

// lineCol returns the 1-based line and column (in characters) of offset off.
func lineCol(buf []byte, off int) (line, col int) {
	off = min(max(off, 0), len(buf))
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if buf[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, utf8.RuneCount(buf[start:off]) + 1
}
