package validation

import (
	"unicode/utf8"
)

// scanner checks a JSON text in one pass, without recursion: its syntax
// (accepting exactly what encoding/json accepts), its nesting depth, what
// follows the top-level value, and, unless turned off, duplicate object keys
// under encoding/json's case folding. It allocates nothing for bodies whose
// objects hold few keys with plain ASCII names.
type scanner struct {
	stack []frame
	keys  []key // keys of the open objects, innermost last
	dups  []int // offsets of duplicate keys found
}

// key is an object key as it was compared: raw when plain ASCII, else
// unescaped and folded; hash is of its upper-cased bytes, to compare fast.
type key struct {
	b    []byte
	hash uint32
}

type frame struct {
	object    bool
	keysStart int
	set       map[string]struct{} // keys, folded, once an object has many
}

// setAfter is how many keys an object may hold before its duplicate check
// switches from comparing with each earlier key to a map.
const setAfter = 16

func (s *scanner) reset() {
	clear(s.stack[:cap(s.stack)])
	s.stack = s.stack[:0]
	clear(s.keys[:cap(s.keys)])
	s.keys = s.keys[:0]
	s.dups = s.dups[:0]
}

// problem is the first thing wrong with a JSON text.
type problem struct {
	kind   problemKind
	off    int    // byte offset
	found  string // what was found, described for people
	expect string // what was expected there
}

type problemKind uint8

const (
	probNone problemKind = iota
	probSyntax
	probEOF
	probDepth
	probTrailing
)

type state uint8

const (
	stValue      state = iota // a value must come
	stValueOrEnd              // after '[': a value or ']'
	stKeyOrEnd                // after '{': a key or '}'
	stKey                     // after ',' in an object: a key
	stColon                   // after a key
	stAfter                   // after a value
)

var expected = [...]string{
	stValue:      "a value",
	stValueOrEnd: "a value or ']'",
	stKeyOrEnd:   "a quoted member name or '}'",
	stKey:        "a quoted member name",
	stColon:      "':' after the member name",
	stAfter:      "',' or the end of the enclosing object or array",
}

// scan checks buf. It returns the first problem; duplicate keys, which do not
// stop the scan, are left in s.dups.
func (s *scanner) scan(buf []byte, maxDepth int, dupCheck bool) problem {
	st := stValue
	i := 0
	for {
		for i < len(buf) && isSpace(buf[i]) {
			i++
		}
		if i >= len(buf) {
			if st == stAfter && len(s.stack) == 0 {
				return problem{}
			}
			return problem{kind: probEOF, off: i, expect: expected[st]}
		}
		c := buf[i]
		switch st {
		case stValueOrEnd:
			if c == ']' {
				s.pop()
				st = stAfter
				i++
				continue
			}
			st = stValue
			fallthrough
		case stValue:
			switch {
			case c == '{' || c == '[':
				if len(s.stack) >= maxDepth {
					return problem{kind: probDepth, off: i}
				}
				s.stack = append(s.stack, frame{object: c == '{', keysStart: len(s.keys)})
				i++
				if c == '{' {
					st = stKeyOrEnd
				} else {
					st = stValueOrEnd
				}
				continue
			case c == '"':
				end, p := scanString(buf, i)
				if p.kind != probNone {
					return p
				}
				i = end
			case c == '-' || '0' <= c && c <= '9':
				end, p := scanNumber(buf, i)
				if p.kind != probNone {
					return p
				}
				i = end
			case c == 't':
				if p := scanLiteral(buf, i, "true"); p.kind != probNone {
					return p
				}
				i += 4
			case c == 'f':
				if p := scanLiteral(buf, i, "false"); p.kind != probNone {
					return p
				}
				i += 5
			case c == 'n':
				if p := scanLiteral(buf, i, "null"); p.kind != probNone {
					return p
				}
				i += 4
			default:
				return syntaxAt(buf, i, expected[stValue])
			}
			st = stAfter
		case stKeyOrEnd, stKey:
			if c == '}' && st == stKeyOrEnd {
				s.pop()
				st = stAfter
				i++
				continue
			}
			if c != '"' {
				return syntaxAt(buf, i, expected[st])
			}
			end, p := scanString(buf, i)
			if p.kind != probNone {
				return p
			}
			if dupCheck && s.seen(buf[i+1:end-1]) {
				s.dups = append(s.dups, i)
			}
			i = end
			st = stColon
		case stColon:
			if c != ':' {
				return syntaxAt(buf, i, expected[st])
			}
			i++
			st = stValue
		case stAfter:
			if len(s.stack) == 0 {
				return problem{kind: probTrailing, off: i}
			}
			top := &s.stack[len(s.stack)-1]
			switch {
			case c == ',':
				if top.object {
					st = stKey
				} else {
					st = stValue
				}
				i++
			case c == '}' && top.object || c == ']' && !top.object:
				s.pop()
				i++
			default:
				if top.object {
					return syntaxAt(buf, i, "',' or '}'")
				}
				return syntaxAt(buf, i, "',' or ']'")
			}
		}
	}
}

func (s *scanner) pop() {
	top := &s.stack[len(s.stack)-1]
	s.keys = s.keys[:top.keysStart] // reset clears what they point to
	top.set = nil
	s.stack = s.stack[:len(s.stack)-1]
}

// seen records raw, an object key as it appears between its quotes, in the
// innermost object and reports whether an equal key (under encoding/json's
// case folding) was there already.
func (s *scanner) seen(raw []byte) bool {
	top := &s.stack[len(s.stack)-1]
	k, plain := foldHash(raw)
	if !plain {
		k.b = foldKey(raw)
		k.hash = hashUpper(k.b)
	}
	if top.set != nil {
		u := string(upperASCII(k.b))
		if _, ok := top.set[u]; ok {
			return true
		}
		top.set[u] = struct{}{}
		return false
	}
	for _, o := range s.keys[top.keysStart:] {
		if o.hash == k.hash && equalFoldASCII(o.b, k.b) {
			return true
		}
	}
	s.keys = append(s.keys, k)
	if len(s.keys)-top.keysStart > setAfter {
		top.set = make(map[string]struct{}, 2*setAfter)
		for _, o := range s.keys[top.keysStart:] {
			top.set[string(upperASCII(o.b))] = struct{}{}
		}
	}
	return false
}

// foldHash hashes raw's upper-cased bytes (FNV-1a) and reports whether raw is
// plain ASCII without escapes, so that it can be compared as it is.
func foldHash(raw []byte) (key, bool) {
	h := uint32(2166136261)
	for _, c := range raw {
		if c >= utf8.RuneSelf || c == '\\' {
			return key{}, false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		h = (h ^ uint32(c)) * 16777619
	}
	return key{b: raw, hash: h}, true
}

// hashUpper is foldHash's hash for any bytes.
func hashUpper(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

func plainASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || c == '\\' {
			return false
		}
	}
	return true
}

// foldKey unescapes a raw key and folds it as encoding/json does when it
// matches struct fields: ASCII letters to upper case, other runes to the
// smallest rune of their case-folding orbit.
func foldKey(raw []byte) []byte {
	s, ok := unquote(raw)
	if !ok {
		return raw
	}
	return foldString(s)
}

// foldString folds an unescaped name as foldKey does.
func foldString(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			out = append(out, byte(r))
			continue
		}
		out = utf8.AppendRune(out, foldRune(r))
	}
	return out
}

// unquote decodes the body of a JSON string (without its quotes), replacing
// invalid UTF-8 and lone surrogates as encoding/json does.
func unquote(raw []byte) (string, bool) {
	if plainASCII(raw) {
		return string(raw), true
	}
	q := make([]byte, 0, len(raw)+2)
	q = append(q, '"')
	q = append(q, raw...)
	q = append(q, '"')
	var s string
	if err := jsonUnmarshalString(q, &s); err != nil {
		return "", false
	}
	return s, true
}

func upperASCII(b []byte) []byte {
	for _, c := range b {
		if 'a' <= c && c <= 'z' {
			out := make([]byte, len(b))
			for i, c := range b {
				if 'a' <= c && c <= 'z' {
					c -= 'a' - 'A'
				}
				out[i] = c
			}
			return out
		}
	}
	return b
}

func equalFoldASCII(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// scanString returns the offset just past the string starting at buf[i].
func scanString(buf []byte, i int) (int, problem) {
	j := i + 1
	for j < len(buf) {
		c := buf[j]
		if plainStringByte[c] {
			j++
			continue
		}
		switch {
		case c == '"':
			return j + 1, problem{}
		case c == '\\':
			if j+1 >= len(buf) {
				return 0, problem{kind: probEOF, off: len(buf), expect: "the rest of an escape sequence"}
			}
			switch buf[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				for k := j + 2; k < j+6; k++ {
					if k >= len(buf) {
						return 0, problem{kind: probEOF, off: len(buf), expect: "four hexadecimal digits after \\u"}
					}
					if !isHex(buf[k]) {
						return 0, syntaxAt(buf, k, "a hexadecimal digit in a \\u escape")
					}
				}
				j += 6
			default:
				return 0, syntaxAt(buf, j+1, "an escape character (one of \"\\/bfnrtu) after a backslash")
			}
		case c < 0x20:
			return 0, syntaxAt(buf, j, "a character that is allowed in a string (control characters must be escaped)")
		default:
			j++
		}
	}
	return 0, problem{kind: probEOF, off: len(buf), expect: "the closing quote of a string"}
}

// plainStringByte[c] is true for bytes that stand for themselves in a string.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanNumber returns the offset just past the number starting at buf[i].
func scanNumber(buf []byte, i int) (int, problem) {
	j := i
	if buf[j] == '-' {
		j++
	}
	digits := func(what string) problem {
		if j >= len(buf) {
			return problem{kind: probEOF, off: j, expect: what}
		}
		if !isDigit(buf[j]) {
			return syntaxAt(buf, j, what)
		}
		for j < len(buf) && isDigit(buf[j]) {
			j++
		}
		return problem{}
	}
	if j < len(buf) && buf[j] == '0' {
		j++
	} else if p := digits("a digit"); p.kind != probNone {
		return 0, p
	}
	if j < len(buf) && buf[j] == '.' {
		j++
		if p := digits("a digit after the decimal point"); p.kind != probNone {
			return 0, p
		}
	}
	if j < len(buf) && (buf[j] == 'e' || buf[j] == 'E') {
		j++
		if j < len(buf) && (buf[j] == '+' || buf[j] == '-') {
			j++
		}
		if p := digits("a digit in the exponent"); p.kind != probNone {
			return 0, p
		}
	}
	return j, problem{}
}

func scanLiteral(buf []byte, i int, lit string) problem {
	for k := 1; k < len(lit); k++ {
		if i+k >= len(buf) {
			return problem{kind: probEOF, off: len(buf), expect: "the rest of " + lit}
		}
		if buf[i+k] != lit[k] {
			return syntaxAt(buf, i+k, "the rest of "+lit)
		}
	}
	return problem{}
}

func syntaxAt(buf []byte, i int, expect string) problem {
	return problem{kind: probSyntax, off: i, found: describe(buf[i:]), expect: expect}
}
