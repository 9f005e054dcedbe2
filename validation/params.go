package validation

import (
	"encoding"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/apierror/apierror/errresp"
	"github.com/go-chi/chi/v5"
)

// param is one field of a parameter struct.
type paramField struct {
	index []int
	name  string
	in    string // "path" or "query"
	typ   reflect.Type
}

type paramInfo struct {
	fields []paramField
	in     map[string]string // name -> location
}

var paramInfos sync.Map // reflect.Type -> *paramInfo

func paramInfoOf(t reflect.Type) *paramInfo {
	if v, ok := paramInfos.Load(t); ok {
		return v.(*paramInfo)
	}
	info := &paramInfo{in: map[string]string{}}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() {
			continue
		}
		for _, in := range [...]string{"path", "query"} {
			if name, ok := f.Tag.Lookup(in); ok && name != "" && name != "-" {
				info.fields = append(info.fields, paramField{index: f.Index, name: name, in: in, typ: f.Type})
				info.in[name] = in
				break
			}
		}
	}
	v, _ := paramInfos.LoadOrStore(t, info)
	return v.(*paramInfo)
}

// Params fills dst, a pointer to a struct, from the request's path and query
// parameters, then validates it. A field takes the path parameter its `path`
// tag names (from chi's URL parameters, or http.Request.PathValue for
// http.ServeMux patterns) or the query parameter its `query` tag names:
//
//	type VMPath struct {
//		ID    string `path:"id" validate:"uuid"`
//		Limit int    `query:"limit" validate:"omitempty,min=1,max=100"`
//	}
//
// Fields may be strings, booleans, integers, floats, time.Duration, types
// implementing encoding.TextUnmarshaler, pointers to these (left nil when the
// parameter is absent) and, for query parameters, slices of these (one element
// a repetition). A value that does not convert, or fails a rule, is listed in
// a 400 InvalidRequest with the parameter's name and location ("path" or
// "query"). Query parameters the struct does not name are ignored.
//
// The query is read strictly, where net/url is lenient: a malformed
// percent-escape ("%zz") or a ";" in the query (which some servers take as a
// separator and others do not, so a proxy and the service could read two
// different requests) is a 400 naming the parameter (rule "syntax"), not a
// parameter silently dropped; and a second value for a parameter whose field
// is not a slice is a 400 (rule "single") rather than the first value taken.
func (d *Decoder) Params(r *http.Request, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return errresp.Wrap(errresp.Internal, errors.New("validation: Params needs a non-nil pointer to a struct"), "")
	}
	info := paramInfoOf(rv.Elem().Type())
	var query map[string][]string
	var fails []errresp.FieldError
	for _, f := range info.fields {
		var vals []string
		if f.in == "path" {
			if v := pathParam(r, f.name); v != "" {
				vals = []string{v}
			}
		} else {
			if query == nil {
				query, fails = parseQuery(r.URL.RawQuery, info.in, fails)
			}
			vals = query[f.name]
		}
		if len(vals) == 0 {
			continue
		}
		if len(vals) > 1 && !multiValued(f.typ) {
			fails = append(fails, errresp.FieldError{Field: f.name, In: f.in, Rule: "single",
				Message: f.name + " must be given once, not " + strconv.Itoa(len(vals)) + " times."})
			continue
		}
		if rule, msg := setParam(rv.Elem().FieldByIndex(f.index), vals); msg != "" {
			fails = append(fails, errresp.FieldError{Field: f.name, In: f.in, Rule: "type", Param: rule,
				Message: f.name + " " + msg})
		}
	}
	return d.validateWith(r, dst, func(name string) string {
		if in, ok := info.in[name]; ok {
			return in
		}
		return "query"
	}, fails)
}

// Params fills and validates dst from r's path and query parameters with
// Default. See (*Decoder).Params.
func Params[T any](r *http.Request, dst *T) error { return Default().Params(r, dst) }

func pathParam(r *http.Request, name string) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if v := rc.URLParam(name); v != "" {
			return v
		}
	}
	return r.PathValue(name)
}

// maxQueryFails caps the syntax failures listed for one query, so a long
// malformed query does not make a long answer.
const maxQueryFails = 10

// parseQuery splits a raw query into the values of the parameters named in
// (a query parameter's name maps to "query"), appending to fails one
// failure for each malformed pair, named by its parameter: a ";" in it, or a
// malformed percent-escape in its name or value. "+" is a space, as in
// forms. Pairs of other names are checked but not kept.
func parseQuery(raw string, in map[string]string, fails []errresp.FieldError) (map[string][]string, []errresp.FieldError) {
	out := make(map[string][]string)
	bad := 0
	fail := func(name, msg string) {
		if bad++; bad <= maxQueryFails {
			fails = append(fails, errresp.FieldError{Field: name, In: "query", Rule: "syntax", Message: name + " " + msg})
		}
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			fail(queryName(rawName), "has a malformed percent-escape in its name.")
			continue
		}
		if semi := strings.IndexByte(pair, ';'); semi >= 0 {
			if n, _, cut := strings.Cut(name, ";"); cut {
				name = n // the ";" is in the name: name what precedes it
			}
			fail(queryName(name), `contains a ";"; separate query parameters with "&", and send ";" in a value as %3B.`)
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			fail(queryName(name), "has a malformed percent-escape in its value.")
			continue
		}
		if in[name] == "query" {
			out[name] = append(out[name], value)
		}
	}
	return out, fails
}

// queryName is a parameter name fit to be quoted back: at most 64 bytes.
func queryName(s string) string {
	if len(s) > 64 {
		s = s[:64]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		return s + "..."
	}
	return s
}

// multiValued reports whether a field of type t takes every value of a
// repeated parameter.
func multiValued(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && !reflect.PointerTo(t).Implements(textUnmarshaler)
}

var durationType = reflect.TypeFor[time.Duration]()

// setParam sets v from the parameter's values. On failure it returns the
// expected type and a message without the parameter's name.
func setParam(v reflect.Value, vals []string) (string, string) {
	t := v.Type()
	if multiValued(t) {
		s := reflect.MakeSlice(t, len(vals), len(vals))
		for i, x := range vals {
			if rule, msg := setOne(s.Index(i), x); msg != "" {
				return rule, msg
			}
		}
		v.Set(s)
		return "", ""
	}
	return setOne(v, vals[0])
}

func setOne(v reflect.Value, s string) (string, string) {
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		if rule, msg := setOne(p.Elem(), s); msg != "" {
			return rule, msg
		}
		v.Set(p)
		return "", ""
	}
	if tu, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := tu.UnmarshalText([]byte(s)); err != nil {
			return "format", "is not in a valid format."
		}
		return "", ""
	}
	t := v.Type()
	switch k := t.Kind(); {
	case t == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return "duration", "must be a duration, such as 90s or 1h30m."
		}
		v.SetInt(int64(d))
	case k == reflect.String:
		v.SetString(s)
	case k == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return "boolean", "must be true or false."
		}
		v.SetBool(b)
	case k >= reflect.Int && k <= reflect.Int64:
		n, err := strconv.ParseInt(s, 10, t.Bits())
		if err != nil {
			return "integer", intMessage(err, "-"+strconv.FormatUint(1<<(t.Bits()-1), 10), strconv.FormatInt(1<<(t.Bits()-1)-1, 10))
		}
		v.SetInt(n)
	case k >= reflect.Uint && k <= reflect.Uintptr:
		n, err := strconv.ParseUint(s, 10, t.Bits())
		if err != nil {
			return "integer", intMessage(err, "0", strconv.FormatUint(1<<t.Bits()-1, 10))
		}
		v.SetUint(n)
	case k == reflect.Float32 || k == reflect.Float64:
		f, err := strconv.ParseFloat(s, t.Bits())
		if err != nil {
			return "number", "must be a number."
		}
		v.SetFloat(f)
	default:
		return "", "cannot be set from a parameter."
	}
	return "", ""
}

// intMessage words an integer parse failure: out of range, or not an integer.
func intMessage(err error, lo, hi string) string {
	if errors.Is(err, strconv.ErrRange) {
		return "must be an integer from " + lo + " to " + hi + "."
	}
	return "must be an integer."
}
