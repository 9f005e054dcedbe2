package validation

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apierror/apierror/internal/jsonv2"
)

// seg is one step of a path into a JSON value: a member of an object decoded
// into a struct, a key of an object decoded into a map, or an array index.
type seg struct {
	name  string
	index int
	kind  segKind
}

type segKind uint8

const (
	segField segKind = iota
	segKey
	segIndex
)

// fieldPath formats p as validator/v10 does, without a root type name:
// "items[1].name", "labels[env]".
func fieldPath(p []seg) string {
	var b strings.Builder
	for i, s := range p {
		switch s.kind {
		case segField:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(clip(s.name))
		case segKey:
			b.WriteByte('[')
			b.WriteString(clip(s.name))
			b.WriteByte(']')
		case segIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// pointer formats p as an RFC 6901 JSON pointer: "/items/1/name".
func pointer(p []seg) string {
	var b strings.Builder
	for _, s := range p {
		b.WriteByte('/')
		if s.kind == segIndex {
			b.WriteString(strconv.Itoa(s.index))
			continue
		}
		b.WriteString(escapePointer(clip(s.name)))
	}
	return b.String()
}

// maxName is the most of a member name, which the client chose, that a path
// repeats back.
const maxName = 64

// clip shortens a long name to maxName bytes and an ellipsis, on a rune
// boundary.
func clip(s string) string {
	if len(s) <= maxName {
		return s
	}
	i := maxName
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func escapePointer(s string) string {
	if strings.ContainsAny(s, "~/") {
		return pointerEscaper.Replace(s)
	}
	return s
}

// pathAt returns the path, in an untyped reading of buf, of the innermost
// value or member that has begun before offset off. Every object member is a
// field step. buf must be well formed up to off.
func pathAt(buf []byte, off int) []seg {
	type open struct {
		object bool
		begun  bool // a member or element has begun
		key    string
		index  int
	}
	var stack []open
	expectKey := false
	for i := 0; i < len(buf) && i < off; {
		c := buf[i]
		switch {
		case isSpace(c) || c == ':':
			i++
			continue
		case c == ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				expectKey = true
			}
			i++
			continue
		case c == '}' || c == ']':
			stack = stack[:len(stack)-1]
			expectKey = false
			i++
			continue
		}
		// A value or a key starts at i.
		if expectKey {
			end, _ := scanString(buf, i)
			if end <= i {
				break
			}
			top := &stack[len(stack)-1]
			top.key, _ = unquote(buf[i+1 : end-1])
			top.begun = true
			expectKey = false
			i = end
			continue
		}
		if n := len(stack); n > 0 && !stack[n-1].object {
			if stack[n-1].begun {
				stack[n-1].index++
			}
			stack[n-1].begun = true
		}
		switch c {
		case '{':
			stack = append(stack, open{object: true})
			expectKey = true
			i++
			continue
		case '[':
			stack = append(stack, open{})
			i++
			continue
		case '"':
			end, _ := scanString(buf, i)
			if end <= i {
				i = len(buf)
				continue
			}
			i = end
		default:
			j := i
			for j < len(buf) && !isSpace(buf[j]) && !strings.ContainsRune(",]}:", rune(buf[j])) {
				j++
			}
			i = j
		}
	}
	p := make([]seg, 0, len(stack))
	for _, o := range stack {
		if !o.begun {
			break
		}
		if o.object {
			p = append(p, seg{name: o.key})
		} else {
			p = append(p, seg{kind: segIndex, index: o.index})
		}
	}
	return p
}

func jsonUnmarshalString(q []byte, s *string) error { return json.Unmarshal(q, s) }

// pathOf turns ptr, a JSON pointer into a body decoded into t, into a path:
// the Go type tells a struct's member from a map's key; where it is not
// known, a token that is a number is taken for an array index.
func pathOf(t reflect.Type, ptr jsonv2.Pointer, fold bool) []seg {
	var p []seg
	for tok := range ptr.Tokens() {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		var kind reflect.Kind
		if t != nil {
			kind = t.Kind()
		}
		switch {
		case kind == reflect.Struct:
			p = append(p, seg{name: tok})
			f, ok := membersOf(t).lookup(tok, fold)
			t = nil
			if ok {
				t = f.typ
			}
		case kind == reflect.Map:
			p = append(p, seg{name: tok, kind: segKey})
			t = t.Elem()
		case kind == reflect.Slice || kind == reflect.Array || t == nil || kind == reflect.Interface:
			if n, err := strconv.Atoi(tok); err == nil && n >= 0 && strconv.Itoa(n) == tok {
				p = append(p, seg{kind: segIndex, index: n})
			} else {
				p = append(p, seg{name: tok})
			}
			if kind == reflect.Slice || kind == reflect.Array {
				t = t.Elem()
			} else {
				t = nil
			}
		default:
			p = append(p, seg{name: tok})
			t = nil
		}
	}
	return p
}
