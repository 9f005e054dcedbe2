package validation

import (
	"bytes"
	"encoding"
	"reflect"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/jsonv2"
)

// The failure path of the decode step. encoding/json v2 stops at the first
// member that does not fit the Go type; a client is better served by the
// list of all of them. mismatch reads the body, which is known to be
// well-formed, token by token alongside the Go type, and asks encoding/json
// v2 about each scalar, so that what it lists is what v2 refuses.

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshaler = reflect.TypeFor[jsonv2.Unmarshaler]()
	jsonFrom        = reflect.TypeFor[jsonv2.UnmarshalerFrom]()
	timeType        = reflect.TypeFor[time.Time]()
)

// mismatch lists the members of a body that do not fit a Go type.
type mismatch struct {
	dec                *jsonv2.Decoder
	opts               jsonv2.Options
	fold, allowUnknown bool
	max                int // field errors listed at most
	path               []seg
	fields             []errresp.FieldError
	more               int
}

// mismatches lists every member of buf, decoded into t, that v2 refuses.
func (d *Decoder) mismatches(buf []byte, t reflect.Type) ([]errresp.FieldError, int) {
	m := mismatch{dec: jsonv2.NewDecoder(bytes.NewBuffer(buf), d.jsonOpts), opts: d.jsonOpts,
		fold: d.fold, allowUnknown: d.allowUnknown, max: d.maxFields}
	_ = m.value(t, false) // buf is well-formed; an error only ends the walk early
	return m.fields, m.more
}

func (m *mismatch) fail(rule, param, msg string) {
	if len(m.fields) >= m.max {
		m.more++
		return
	}
	f := fieldPath(m.path)
	subject := f
	if subject == "" {
		subject = "The request body"
	}
	m.fields = append(m.fields, errresp.FieldError{Field: f, Pointer: pointer(m.path), In: "body",
		Rule: rule, Param: param, Message: subject + " " + msg})
}

// value walks the next value, decoded into t; quoted is the field's
// ",string" option.
func (m *mismatch) value(t reflect.Type, quoted bool) error {
	k := m.dec.PeekKind()
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if k == 'n' || t == nil || t.Kind() == reflect.Interface {
		return m.dec.SkipValue()
	}
	if isScalar(t) {
		return m.scalar(t, quoted)
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		if k != '{' {
			m.fail("type", "object", "must be an object.")
			return m.dec.SkipValue()
		}
		return m.object(t)
	default: // slice or array
		if k != '[' {
			m.fail("type", "array", "must be an array.")
			return m.dec.SkipValue()
		}
		return m.array(t)
	}
}

// isScalar reports whether values of t are decoded whole: by a method of
// their own, or as a string, number, boolean or base64 text.
func isScalar(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || pt.Implements(jsonFrom) || pt.Implements(textUnmarshaler) || t == timeType {
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return false
	case reflect.Slice, reflect.Array:
		return t.Elem().Kind() == reflect.Uint8
	}
	return true
}

// scalar asks encoding/json v2 to decode the next value into a new t; a
// ",string" field is decoded as a member of a struct with that option.
func (m *mismatch) scalar(t reflect.Type, quoted bool) error {
	k := m.dec.PeekKind()
	raw, err := m.dec.ReadValue()
	if err != nil {
		return err
	}
	dst := reflect.New(t).Interface()
	if quoted {
		raw = append(append([]byte(`{"v":`), raw...), '}')
		dst = reflect.New(reflect.StructOf([]reflect.StructField{{Name: "V", Type: t, Tag: `json:"v,string"`}})).Interface()
	}
	if err := jsonv2.Unmarshal(raw, dst, m.opts); err != nil {
		m.fail(typeMessage(t, k, quoted, err))
	}
	return nil
}

// array walks the elements of an array decoded into t, a slice or an array;
// an array's length must match.
func (m *mismatch) array(t reflect.Type) error {
	if _, err := m.dec.ReadToken(); err != nil { // '['
		return err
	}
	for n := 0; ; n++ {
		switch m.dec.PeekKind() {
		case ']', 0:
			if t.Kind() == reflect.Array && n != t.Len() {
				m.fail(typeMessage(t, '[', false, nil))
			}
			_, err := m.dec.ReadToken()
			return err
		}
		m.path = append(m.path, seg{kind: segIndex, index: n})
		err := m.value(t.Elem(), false)
		m.path = m.path[:len(m.path)-1]
		if err != nil {
			return err
		}
	}
}

// object walks the members of an object decoded into a struct or a map.
func (m *mismatch) object(t reflect.Type) error {
	var tab *memberTable
	if t.Kind() == reflect.Struct {
		tab = membersOf(t)
	}
	if _, err := m.dec.ReadToken(); err != nil { // '{'
		return err
	}
	for {
		switch m.dec.PeekKind() {
		case '}', 0:
			_, err := m.dec.ReadToken()
			return err
		}
		tok, err := m.dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		if tab == nil {
			m.path = append(m.path, seg{name: name, kind: segKey})
			m.mapKey(t.Key(), name)
			err = m.value(t.Elem(), false)
		} else {
			m.path = append(m.path, seg{name: name})
			f, ok := tab.lookup(name, m.fold)
			switch {
			case ok:
				err = m.value(f.typ, f.quoted)
			case m.allowUnknown || tab.catchAll:
				err = m.dec.SkipValue()
			default:
				if f, ok := tab.lookup(name, true); ok {
					m.fail("unknown", "", "is not a known field; member names are case-sensitive: did you mean "+f.name+"?")
				} else {
					m.fail("unknown", "", "is not a known field; remove it or check its spelling.")
				}
				err = m.dec.SkipValue()
			}
		}
		m.path = m.path[:len(m.path)-1]
		if err != nil {
			return err
		}
	}
}

// mapKey checks a member name decoded as a key of type kt.
func (m *mismatch) mapKey(kt reflect.Type, key string) {
	if kt.Kind() == reflect.String && !reflect.PointerTo(kt).Implements(textUnmarshaler) {
		return
	}
	obj, _ := jsonv2.AppendQuote([]byte{'{'}, key) // invalid UTF-8 is replaced; the key was read from valid JSON
	obj = append(obj, ":0}"...)
	if err := jsonv2.Unmarshal(obj, reflect.New(reflect.MapOf(kt, reflect.TypeFor[int]())).Interface()); err == nil {
		return
	}
	switch k := kt.Kind(); {
	case k >= reflect.Int && k <= reflect.Int64:
		m.fail("key", "integer", "has a key that is not an integer.")
	case k >= reflect.Uint && k <= reflect.Uintptr:
		m.fail("key", "integer", "has a key that is not a non-negative integer.")
	default:
		m.fail("key", "", "has a key that is not in a valid format.")
	}
}
