package validation

import (
	"encoding"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"time"

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
func (d *Decoder) Params(r *http.Request, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return errresp.Wrap(errresp.Internal, errors.New("validation: Params needs a non-nil pointer to a struct"), "")
	}
	info := paramInfoOf(rv.Elem().Type())
	var query url.Values
	var fails []errresp.FieldError
	for _, f := range info.fields {
		var vals []string
		if f.in == "path" {
			if v := pathParam(r, f.name); v != "" {
				vals = []string{v}
			}
		} else {
			if query == nil {
				query = r.URL.Query()
			}
			vals = query[f.name]
		}
		if len(vals) == 0 {
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

var durationType = reflect.TypeFor[time.Duration]()

// setParam sets v from the parameter's values. On failure it returns the
// expected type and a message without the parameter's name.
func setParam(v reflect.Value, vals []string) (string, string) {
	t := v.Type()
	if t.Kind() == reflect.Slice && !reflect.PointerTo(t).Implements(textUnmarshaler) {
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
