package validation

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/apierror/apierror/errresp"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
)

// embedded is the name TagName gives an embedded struct whose fields JSON
// promotes; path segments with this name are dropped.
const embedded = "\x00"

// TagName names a struct field as a client sees it, for
// validator.RegisterTagNameFunc: its json name, else its path or query
// parameter name, else its Go name. A json:"-" field is named by its path or
// query tag, or its Go name. The shared validator uses it; register it on a
// validator given to WithValidator.
func TagName(f reflect.StructField) string {
	for _, key := range [...]string{"json", "path", "query"} {
		tag, ok := f.Tag.Lookup(key)
		if !ok || tag == "-" {
			continue
		}
		if name, _, _ := strings.Cut(tag, ","); name != "" {
			return name
		}
	}
	if f.Anonymous {
		t := f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			return embedded
		}
	}
	return f.Name
}

// validateStruct validates v, when it is a struct or a pointer to one, and
// turns its failures into field errors located in (or by locate, for
// parameters).
func (d *Decoder) validateStruct(r *http.Request, v any, in string) error {
	return d.validateWith(r, v, func(string) string { return in }, nil)
}

// validateWith validates v; locate gives a field's location from its first
// path segment; prior are failures found before validation, whose fields are
// not reported twice.
func (d *Decoder) validateWith(r *http.Request, v any, locate func(string) string, prior []errresp.FieldError) error {
	err := d.runValidator(r, v)
	if err == nil {
		if len(prior) > 0 {
			return invalid(prior, 0)
		}
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return errresp.From(errresp.Wrap(errresp.Internal, err, ""))
	}
	trans := d.translator(r)
	fs := prior
	more := 0
	for _, fe := range ves {
		p := parseNamespace(fe.Namespace())
		in := locate(firstName(p))
		f := fieldPath(p)
		if slices.ContainsFunc(prior, func(x errresp.FieldError) bool { return x.Field == f }) {
			continue
		}
		if len(fs) >= d.maxFields {
			more++
			continue
		}
		ptr := ""
		if in == "body" {
			ptr = pointer(p)
		}
		fs = append(fs, errresp.FieldError{Field: f, Pointer: ptr, In: in, Rule: fe.Tag(), Param: fe.Param(),
			Message: d.message(fe, f, trans)})
	}
	return invalid(fs, more)
}

// runValidator calls the validator on v when v is a struct or a pointer to one. A
// panic in it (an undefined tag, a bad parameter: mistakes in the struct's
// tags) becomes an Internal error rather than a crashed request.
func (d *Decoder) runValidator(r *http.Request, v any) (err error) {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = errresp.Wrap(errresp.Internal, fmt.Errorf("validation: validating %s: %v", t, p), "")
		}
	}()
	return d.validate.StructCtx(r.Context(), v)
}

func firstName(p []seg) string {
	if len(p) == 0 {
		return ""
	}
	return p[0].name
}

// parseNamespace turns a validator namespace ("Req.items[1].name") into a
// path without its root type name or embedded structs.
func parseNamespace(ns string) []seg {
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		ns = ns[i+1:]
	} else {
		return []seg{{name: ns}}
	}
	var p []seg
	for ns != "" {
		end := strings.IndexAny(ns, ".[")
		if end < 0 {
			end = len(ns)
		}
		if name := ns[:end]; name != "" && name != embedded {
			p = append(p, seg{name: name})
		}
		ns = ns[end:]
		for strings.HasPrefix(ns, "[") {
			close := strings.IndexByte(ns, ']')
			if close < 0 {
				close = len(ns)
			}
			k := ns[1:close]
			if n, err := strconv.Atoi(k); err == nil && n >= 0 {
				p = append(p, seg{kind: segIndex, index: n})
			} else {
				p = append(p, seg{kind: segKey, name: k})
			}
			ns = ns[min(close+1, len(ns)):]
		}
		ns = strings.TrimPrefix(ns, ".")
	}
	return p
}

// translator returns the translator the request's Accept-Language asks for,
// or nil.
func (d *Decoder) translator(r *http.Request) ut.Translator {
	if d.trans == nil {
		return nil
	}
	al := r.Header.Get("Accept-Language")
	if al == "" {
		return nil
	}
	type lang struct {
		tag string
		q   float64
	}
	var langs []lang
	for part := range strings.SplitSeq(al, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if tag == "" || tag == "*" || q <= 0 || len(langs) >= 16 {
			continue
		}
		langs = append(langs, lang{tag, q})
	}
	slices.SortStableFunc(langs, func(a, b lang) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	for _, l := range langs {
		full := strings.ReplaceAll(l.tag, "-", "_")
		base, _, _ := strings.Cut(full, "_")
		if t, ok := d.trans.GetTranslator(full); ok {
			return t
		}
		if t, ok := d.trans.GetTranslator(strings.ToLower(base)); ok {
			return t
		}
	}
	return nil
}

// message is the text of one validation failure: a registered translation
// when the request asked for one, else the Decoder's message for the tag,
// else the built-in English text.
func (d *Decoder) message(fe validator.FieldError, field string, trans ut.Translator) string {
	if trans != nil {
		if s := fe.Translate(trans); s != fe.Error() {
			return s
		}
	}
	d.rulesMu.RLock()
	tmpl, ok := d.messages[fe.Tag()]
	d.rulesMu.RUnlock()
	if ok {
		return strings.NewReplacer("{field}", field, "{param}", fe.Param()).Replace(tmpl)
	}
	return field + " " + english(fe.Tag(), fe.Param(), fe.Kind(), fe.Type())
}

// invalid returns a 400 listing fs, with a message that names them; more is
// how many further failures were left out.
func invalid(fs []errresp.FieldError, more int) *errresp.Error {
	total := len(fs) + more
	if total == 1 {
		return errresp.NewInvalid(fs[0].Message, fs...)
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(total))
	b.WriteString(" fields are invalid: ")
	named := min(len(fs), 5)
	for i, f := range fs[:named] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Field)
	}
	if total > named {
		b.WriteString(" and " + strconv.Itoa(total-named) + " more")
	}
	b.WriteByte('.')
	e := errresp.NewInvalid(b.String(), fs...)
	if more > 0 {
		e.With("more_invalid_fields", more)
	}
	return e
}
