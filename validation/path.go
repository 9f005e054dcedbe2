package validation

import (
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
