package validation

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/apierror/apierror/errresp"
)

// decodeLegacy is the decode step as it was before encoding/json v2: a
// hand-written scan for syntax, depth and duplicates, encoding/json v1, and a
// walk that lists every member that does not fit. It is kept only to compare
// the new decode step with (FuzzDecodeAgainstLegacy).
func (d *Decoder) decodeLegacy(b *body, dst any, t reflect.Type) error {
	if e := d.scan(b); e != nil {
		return e
	}
	b.reader.Reset(b.buf)
	dec := json.NewDecoder(&b.reader)
	if !d.allowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(dst); err != nil {
		return d.explainLegacy(b.buf, t, err)
	}
	return nil
}

// scan checks the body's syntax, depth, top-level shape and keys, and turns
// the first problem into a 400.
func (d *Decoder) scan(b *body) *errresp.Error {
	buf := b.buf
	first := 0
	for first < len(buf) && isSpace(buf[first]) {
		first++
	}
	if first == len(buf) {
		return errEmpty()
	}
	if p := b.scan.scan(buf, d.maxDepth, !d.allowDuplicate); p.kind != probNone {
		return problemErrorLegacy(buf, p, d.maxDepth)
	}
	if c := buf[first]; c != '{' {
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
	if len(b.scan.dups) == 0 {
		return nil
	}
	fs := make([]errresp.FieldError, 0, min(len(b.scan.dups), maxFields))
	for _, off := range b.scan.dups[:min(len(b.scan.dups), maxFields)] {
		p := pathAt(buf, off+1)
		f := fieldPath(p)
		fs = append(fs, errresp.FieldError{Field: f, Pointer: pointer(p), In: "body", Rule: "duplicate",
			Message: f + " appears more than once in its object; send each member once."})
	}
	return invalid(fs, len(b.scan.dups)-len(fs))
}

// problemErrorLegacy describes a scan problem with its line, column and offset.
func problemErrorLegacy(buf []byte, p problem, maxDepth int) *errresp.Error {
	line, col := lineCol(buf, p.off)
	where := " at line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + " (byte offset " + strconv.Itoa(p.off) + ")"
	var msg string
	switch p.kind {
	case probEOF:
		msg = "The request body ends too early" + where + ": expected " + p.expect + "; the JSON is incomplete."
	case probDepth:
		msg = "The request body nests objects and arrays deeper than " + strconv.Itoa(maxDepth) + " levels" + where + "."
	case probTrailing:
		msg = "The request body has more data after the JSON object" + where + "; send exactly one object."
	default:
		msg = "The request body is not valid JSON: unexpected " + p.found + where + ", expected " + p.expect + "."
	}
	return errresp.New(errresp.InvalidRequest, msg).With("offset", p.off).With("line", line).With("column", col)
}

// explainLegacy turns a failed json.Decode of a body that is well-formed JSON into
// a 400 listing every unknown member and every value of the wrong type, each
// with its path. It walks the body against the target type itself, since
// encoding/json reports only its first failure, without array indexes.
func (d *Decoder) explainLegacy(buf []byte, t reflect.Type, err error) error {
	var iue *json.InvalidUnmarshalError
	if errors.As(err, &iue) {
		return errresp.Wrap(errresp.Internal, err, "")
	}
	w := walker{buf: buf, allowUnknown: d.allowUnknown}
	w.value(t, false)
	if len(w.fields) > 0 {
		return invalid(w.fields, w.more)
	}
	// The walk found nothing encoding/json objects to; say what it said
	// without its Go type names.
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		p := pathAt(buf, int(ute.Offset))
		f := fieldPath(p)
		return errresp.Invalid(f+" has a value of the wrong type.", errresp.FieldError{
			Field: f, Pointer: pointer(p), In: "body", Rule: "type", Message: f + " has a value of the wrong type."})
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if key, err := strconv.Unquote(name); err == nil {
			return errresp.Invalid(key+" is not a known field; remove it.", errresp.FieldError{
				Field: key, In: "body", Rule: "unknown", Message: key + " is not a known field; remove it."})
		}
	}
	return errresp.Wrap(errresp.InvalidRequest, err, "The request body does not have the expected shape.")
}

// walker reads well-formed JSON alongside the Go type it is decoded into and
// records where they disagree. Its recursion is bounded by the depth limit
// the scan enforced.
type walker struct {
	buf          []byte
	i            int
	path         []seg
	fields       []errresp.FieldError
	more         int
	allowUnknown bool
}

var jsonV1Unmarshaler = reflect.TypeFor[json.Unmarshaler]()

func (w *walker) ws() {
	for w.i < len(w.buf) && isSpace(w.buf[w.i]) {
		w.i++
	}
}

func (w *walker) fail(rule, param, msg string) {
	if len(w.fields) >= maxFields {
		w.more++
		return
	}
	f := fieldPath(w.path)
	subject := f
	if subject == "" {
		subject = "The request body"
	}
	w.fields = append(w.fields, errresp.FieldError{Field: f, Pointer: pointer(w.path), In: "body",
		Rule: rule, Param: param, Message: subject + " " + msg})
}

// skip moves past one value and returns its bytes.
func (w *walker) skip() []byte {
	w.ws()
	start := w.i
	if w.i >= len(w.buf) {
		return nil
	}
	switch c := w.buf[w.i]; {
	case c == '"':
		w.i, _ = scanString(w.buf, w.i)
	case c == '{' || c == '[':
		for depth := 0; w.i < len(w.buf); {
			switch w.buf[w.i] {
			case '"':
				w.i, _ = scanString(w.buf, w.i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			w.i++
			if depth == 0 {
				break
			}
		}
	default:
		for w.i < len(w.buf) && isLiteralByte(w.buf[w.i]) {
			w.i++
		}
	}
	return w.buf[start:w.i]
}

func isLiteralByte(c byte) bool {
	return c == '-' || c == '+' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// value walks one value decoded into t; quoted is the field's ",string" option.
func (w *walker) value(t reflect.Type, quoted bool) {
	w.ws()
	if w.i >= len(w.buf) {
		return
	}
	c := w.buf[w.i]
	if c == 'n' || t == nil {
		w.skip()
		return
	}
	for t.Kind() == reflect.Pointer && !t.Implements(jsonV1Unmarshaler) && !t.Implements(textUnmarshaler) {
		t = t.Elem()
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonV1Unmarshaler) {
		raw := w.skip()
		if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			w.formatFail(t)
		}
		return
	}
	if pt.Implements(textUnmarshaler) {
		if c != '"' {
			w.skip()
			w.fail("type", "string", "must be a string.")
			return
		}
		raw := w.skip()
		s, _ := unquote(raw[1 : len(raw)-1])
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			w.formatFail(t)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		if c != '{' {
			w.skip()
			w.fail("type", "object", "must be an object.")
			return
		}
		w.object(t)
	case reflect.Slice, reflect.Array:
		if c == '"' && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			raw := w.skip()
			s, _ := unquote(raw[1 : len(raw)-1])
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				w.fail("type", "base64", "must be a base64-encoded string.")
			}
			return
		}
		if c != '[' {
			w.skip()
			w.fail("type", "array", "must be an array.")
			return
		}
		w.array(t.Elem())
	case reflect.Interface:
		w.skip()
	default:
		w.scalar(t, quoted)
	}
}

func (w *walker) formatFail(t reflect.Type) {
	if t == timeType {
		w.fail("format", "date-time", "must be a date and time in RFC 3339 format, such as 2006-01-02T15:04:05Z.")
		return
	}
	w.fail("format", "", "is not in a valid format.")
}

// scalar checks a string, boolean or number decoded into t.
func (w *walker) scalar(t reflect.Type, quoted bool) {
	c := w.buf[w.i]
	raw := w.skip()
	if quoted && c != '"' {
		w.fail("type", "string", "must be written as a string, such as \"5\" or \"true\".")
		return
	}
	if quoted {
		s, _ := unquote(raw[1 : len(raw)-1])
		if t.Kind() == reflect.String {
			return
		}
		raw, c = []byte(s), 0
		if len(s) > 0 {
			c = s[0]
		}
	}
	switch k := t.Kind(); {
	case k == reflect.String:
		if c != '"' {
			w.fail("type", "string", "must be a string.")
		}
	case k == reflect.Bool:
		if c != 't' && c != 'f' {
			w.fail("type", "boolean", "must be true or false.")
		}
	case k >= reflect.Int && k <= reflect.Int64:
		if !isNumberStart(c) {
			w.fail("type", "integer", "must be an integer.")
		} else if _, err := strconv.ParseInt(string(raw), 10, t.Bits()); err != nil {
			w.intFail(err, "-"+strconv.FormatUint(1<<(t.Bits()-1), 10), strconv.FormatInt(1<<(t.Bits()-1)-1, 10))
		}
	case k >= reflect.Uint && k <= reflect.Uintptr:
		if !isNumberStart(c) {
			w.fail("type", "integer", "must be an integer.")
		} else if _, err := strconv.ParseUint(string(raw), 10, t.Bits()); err != nil {
			w.intFail(err, "0", strconv.FormatUint(1<<t.Bits()-1, 10))
		}
	case k == reflect.Float32 || k == reflect.Float64:
		if !isNumberStart(c) {
			w.fail("type", "number", "must be a number.")
		} else if _, err := strconv.ParseFloat(string(raw), t.Bits()); err != nil {
			w.fail("type", "number", "is too large a number.")
		}
	default:
		w.fail("type", "", "cannot be set from the request body.")
	}
}

func (w *walker) intFail(err error, lo, hi string) {
	w.fail("type", "integer", intMessage(err, lo, hi))
}

func isNumberStart(c byte) bool { return c == '-' || '0' <= c && c <= '9' }

// array walks the elements of an array.
func (w *walker) array(elem reflect.Type) {
	w.i++ // '['
	for n := 0; ; n++ {
		w.ws()
		if w.buf[w.i] == ']' {
			w.i++
			return
		}
		w.path = append(w.path, seg{kind: segIndex, index: n})
		w.value(elem, false)
		w.path = w.path[:len(w.path)-1]
		w.ws()
		if w.buf[w.i] == ',' {
			w.i++
		}
	}
}

// object walks the members of an object decoded into a struct or a map.
func (w *walker) object(t reflect.Type) {
	var info *structInfo
	if t.Kind() == reflect.Struct {
		info = structInfoOf(t)
	}
	w.i++ // '{'
	for {
		w.ws()
		if w.buf[w.i] == '}' {
			w.i++
			return
		}
		end, _ := scanString(w.buf, w.i)
		key, _ := unquote(w.buf[w.i+1 : end-1])
		w.i = end
		w.ws()
		w.i++ // ':'
		if info != nil {
			f, ok := info.lookup(key)
			w.path = append(w.path, seg{name: key})
			switch {
			case ok:
				w.value(f.typ, f.quoted)
			case w.allowUnknown:
				w.skip()
			default:
				w.skip()
				w.fail("unknown", "", "is not a known field; remove it or check its spelling.")
			}
		} else {
			w.path = append(w.path, seg{name: key, kind: segKey})
			w.mapKey(t.Key(), key)
			w.value(t.Elem(), false)
		}
		w.path = w.path[:len(w.path)-1]
		w.ws()
		if w.buf[w.i] == ',' {
			w.i++
		}
	}
}

func (w *walker) mapKey(kt reflect.Type, key string) {
	if reflect.PointerTo(kt).Implements(textUnmarshaler) {
		if err := reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
			w.fail("key", "", "has a key that is not in a valid format.")
		}
		return
	}
	switch k := kt.Kind(); {
	case k >= reflect.Int && k <= reflect.Int64:
		if _, err := strconv.ParseInt(key, 10, kt.Bits()); err != nil {
			w.fail("key", "integer", "has a key that is not an integer.")
		}
	case k >= reflect.Uint && k <= reflect.Uintptr:
		if _, err := strconv.ParseUint(key, 10, kt.Bits()); err != nil {
			w.fail("key", "integer", "has a key that is not a non-negative integer.")
		}
	}
}

// structInfo is how encoding/json names a struct's fields.
type structInfo struct {
	exact  map[string]fieldInfo
	folded map[string]fieldInfo
}

type fieldInfo struct {
	typ    reflect.Type
	quoted bool
	depth  int
	tagged bool
}

var structInfos sync.Map // reflect.Type -> *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{exact: map[string]fieldInfo{}, folded: map[string]fieldInfo{}}
	for _, f := range reflect.VisibleFields(t) {
		tag := f.Tag.Get("json")
		if tag == "-" || !promoted(t, f.Index) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				continue // its fields are promoted
			}
		}
		if !f.IsExported() {
			continue
		}
		fi := fieldInfo{typ: f.Type, depth: len(f.Index), tagged: name != ""}
		if name == "" {
			name = f.Name
		}
		for opts != "" {
			var o string
			o, opts, _ = strings.Cut(opts, ",")
			if o == "string" {
				fi.quoted = true
			}
		}
		if old, ok := info.exact[name]; ok && (old.depth < fi.depth || old.depth == fi.depth && old.tagged) {
			continue
		}
		info.exact[name] = fi
		info.folded[string(foldString(name))] = fi
	}
	v, _ := structInfos.LoadOrStore(t, info)
	return v.(*structInfo)
}

// promoted reports whether encoding/json reaches the field at index through
// its embedded structs: none of them may have a json name or json:"-".
func promoted(t reflect.Type, index []int) bool {
	for k := 1; k < len(index); k++ {
		if tag := t.FieldByIndex(index[:k]).Tag.Get("json"); tag != "" && !strings.HasPrefix(tag, ",") {
			return false
		}
	}
	return true
}

func (s *structInfo) lookup(key string) (fieldInfo, bool) {
	if f, ok := s.exact[key]; ok {
		return f, true
	}
	f, ok := s.folded[string(foldString(key))]
	return f, ok
}
