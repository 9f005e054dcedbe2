package errresp

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Object appends one JSON object's members to a buffer. A Style's Encode
// function receives one with the opening brace already written; Write closes
// it. Every string is escaped so that the output is valid JSON, and safe to
// embed in HTML, whatever bytes it holds: invalid UTF-8 becomes U+FFFD, control
// characters, quotes, '<', '>', '&', U+2028 and U+2029 are escaped.
type Object struct {
	buf  []byte
	more bool
	// ownKeys: the member names passed to the methods are the built-in
	// styles' own constants, plain ASCII that needs no escaping. Names that
	// come from data (Info keys) are escaped whatever this says.
	ownKeys bool
}

func (o *Object) key(k string) {
	if !o.ownKeys {
		o.dataKey(k)
		return
	}
	if o.more {
		o.buf = append(o.buf, ',')
	}
	o.more = true
	o.buf = append(o.buf, '"')
	o.buf = append(o.buf, k...)
	o.buf = append(o.buf, '"', ':')
}

// dataKey writes a member name that comes from data, escaped.
func (o *Object) dataKey(k string) {
	if o.more {
		o.buf = append(o.buf, ',')
	}
	o.more = true
	o.buf = appendString(o.buf, k)
	o.buf = append(o.buf, ':')
}

// String adds a string member.
func (o *Object) String(key, value string) {
	o.key(key)
	o.buf = appendString(o.buf, value)
}

// StringIf adds a string member when value is not empty.
func (o *Object) StringIf(key, value string) {
	if value != "" {
		o.String(key, value)
	}
}

// Bool adds a boolean member.
func (o *Object) Bool(key string, value bool) {
	o.key(key)
	o.buf = strconv.AppendBool(o.buf, value)
}

// Int adds an integer member.
func (o *Object) Int(key string, value int64) {
	o.key(key)
	o.buf = strconv.AppendInt(o.buf, value, 10)
}

// Value adds a member holding any value Info may hold.
func (o *Object) Value(key string, value any) {
	o.key(key)
	o.buf = appendValue(o.buf, value, 0)
}

// Open starts a member holding a nested object and returns it; fill it, then
// pass it to Close. Nothing may be added to o in between.
//
//	in := o.Open("info")
//	in.Int("limit", 60)
//	o.Close(in)
func (o *Object) Open(key string) Object {
	o.key(key)
	return Object{buf: append(o.buf, '{'), ownKeys: o.ownKeys}
}

// Close ends a nested object that Open started.
func (o *Object) Close(in Object) {
	o.buf = append(in.buf, '}')
}

// Info adds each entry of m as a member of this object, in key order,
// skipping keys in reserved (the envelope's own members).
func (o *Object) Info(m map[string]any, reserved ...string) {
	if len(m) == 0 {
		return
	}
	var arr [16]string
	keys := sortedKeys(arr[:0], m)
	for _, k := range keys {
		if slices.Contains(reserved, k) {
			continue
		}
		o.dataKey(k)
		o.buf = appendValue(o.buf, m[k], 0)
	}
}

// FieldNames names the members of one field error in a style's envelope. An
// empty name leaves that member out.
type FieldNames struct {
	Field, Pointer, In, Rule, Param, Message string
	// PointerPrefix is written before the pointer ("#" for RFC 9457's
	// URI-fragment form "#/items/0/name").
	PointerPrefix string
}

// Fields adds an array member listing fs, each as an object named by n.
// Nothing is added when fs is empty.
func (o *Object) Fields(key string, fs []FieldError, n FieldNames) {
	if len(fs) == 0 {
		return
	}
	o.key(key)
	o.buf = append(o.buf, '[')
	for i := range fs {
		f := &fs[i]
		if i > 0 {
			o.buf = append(o.buf, ',')
		}
		in := Object{buf: append(o.buf, '{'), ownKeys: o.ownKeys}
		if n.Field != "" {
			in.String(n.Field, f.Field)
		}
		if n.Pointer != "" && f.Pointer != "" {
			in.key(n.Pointer)
			in.buf = append(in.buf, '"')
			in.buf = appendStringBody(in.buf, n.PointerPrefix)
			in.buf = appendStringBody(in.buf, f.Pointer)
			in.buf = append(in.buf, '"')
		}
		if n.In != "" && f.In != "" {
			in.String(n.In, f.In)
		}
		if n.Rule != "" && f.Rule != "" {
			in.String(n.Rule, f.Rule)
		}
		if n.Param != "" && f.Param != "" {
			in.String(n.Param, f.Param)
		}
		if n.Message != "" {
			in.String(n.Message, f.Message)
		}
		o.buf = append(in.buf, '}')
	}
	o.buf = append(o.buf, ']')
}

// sortedKeys appends m's keys to dst in order, sorting in place so that small
// maps need no allocation.
func sortedKeys(dst []string, m map[string]any) []string {
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst)
	return dst
}

const maxValueDepth = 32

// appendValue appends v as JSON. The common types are written directly; the
// rest go through encoding/json, and a value it cannot marshal is null.
func appendValue(b []byte, v any, depth int) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int8:
		return strconv.AppendInt(b, int64(x), 10)
	case int16:
		return strconv.AppendInt(b, int64(x), 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case uint:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case float32:
		return appendFloat(b, float64(x), 32)
	case float64:
		return appendFloat(b, x, 64)
	case time.Time:
		b = append(b, '"')
		b = x.UTC().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	case time.Duration:
		return appendFloat(b, x.Seconds(), 64)
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']')
	case []any:
		if depth >= maxValueDepth {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e, depth+1)
		}
		return append(b, ']')
	case map[string]any:
		if depth >= maxValueDepth {
			return append(b, "null"...)
		}
		o := Object{buf: append(b, '{')}
		var arr [16]string
		for _, k := range sortedKeys(arr[:0], x) {
			o.dataKey(k)
			o.buf = appendValue(o.buf, x[k], depth+1)
		}
		return append(o.buf, '}')
	case json.RawMessage:
		if json.Valid(x) {
			return append(b, x...)
		}
		return append(b, "null"...)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return append(b, "null"...)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, out...)
}

func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// Write e-07 as e-7, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString appends s as a quoted JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendStringBody(b, s)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// safe[c] is true for ASCII bytes that need no escaping.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	t[0x7f] = true
	return t
}()

func appendStringBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
