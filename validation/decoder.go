package validation

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"sync"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/jsonv2"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
)

// Defaults of a Decoder built with no options.
const (
	// DefaultMaxBytes is the largest body Decode accepts by default: 1 MiB.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxDepth is how deeply objects and arrays may nest by default.
	DefaultMaxDepth = 64
	// maxDepthLimit is encoding/json v2's own nesting limit.
	maxDepthLimit = 10000
	// DefaultMaxFieldErrors is how many field errors one response lists by
	// default; the response counts the rest (see WithMaxFieldErrors).
	DefaultMaxFieldErrors = 50
)

// Decoder decodes and validates requests. Build one with New at start-up and
// share it; it is safe for concurrent use. The zero value is not usable; the
// package-level functions use Default.
type Decoder struct {
	maxBytes       int64
	maxDepth       int
	mediaTypes     []string
	allowNoType    bool
	allowUnknown   bool
	allowDuplicate bool
	fold           bool
	maxFields      int
	jsonOpts       jsonv2.Options // encoding/json v2's options for the settings above
	lenientOpts    jsonv2.Options // jsonOpts with unknown members ignored, to validate around them
	validate       *validator.Validate
	trans          *ut.UniversalTranslator
	messages       map[string]string // tag -> message template, overriding the built-in English text
	rulesMu        sync.RWMutex      // guards messages after New, for RegisterRule
	rules          []rule            // from WithRule, registered by New
}

type rule struct {
	tag, message string
	fn           validator.Func
}

// Option configures a Decoder built by New.
type Option func(*Decoder)

// WithMaxBytes sets the largest body Decode accepts (default DefaultMaxBytes). A
// body of exactly n bytes is accepted; a larger one is refused with 413
// PayloadTooLarge after reading at most n+1 bytes of it. n must be positive.
func WithMaxBytes(n int64) Option {
	if n <= 0 {
		panic("apierror/validation: WithMaxBytes must be positive, got " + strconv.FormatInt(n, 10))
	}
	return func(d *Decoder) { d.maxBytes = n }
}

// WithMaxDepth sets how deeply objects and arrays may nest (default
// DefaultMaxDepth, at most 10000, encoding/json v2's own limit). A deeper body is
// refused with 400 before it is decoded.
func WithMaxDepth(n int) Option {
	if n <= 0 || n > maxDepthLimit {
		panic("apierror/validation: WithMaxDepth must be between 1 and 10000, got " + strconv.Itoa(n))
	}
	return func(d *Decoder) { d.maxDepth = n }
}

// WithMaxFieldErrors sets how many field errors one 400 lists (default
// DefaultMaxFieldErrors): the unknown members, values of the wrong type and
// failed rules past the first n are not listed, and the response's info
// member "more_invalid_fields" counts them. Its message counts them all.
func WithMaxFieldErrors(n int) Option {
	if n <= 0 {
		panic("apierror/validation: WithMaxFieldErrors must be positive, got " + strconv.Itoa(n))
	}
	return func(d *Decoder) { d.maxFields = n }
}

// WithMediaTypes replaces the accepted Content-Type media types (default
// "application/json" and any "application/<x>+json"). Parameters other than
// charset=utf-8 are ignored; another charset is refused.
func WithMediaTypes(types ...string) Option {
	if len(types) == 0 {
		panic("apierror/validation: WithMediaTypes needs at least one media type")
	}
	ts := make([]string, len(types))
	for i, t := range types {
		mt, ok := mediaType(t)
		if !ok || mt == "" {
			panic("apierror/validation: invalid media type " + strconv.Quote(t))
		}
		ts[i] = mt
	}
	return func(d *Decoder) { d.mediaTypes = ts }
}

// WithMissingContentType accepts a body sent with no Content-Type header as
// JSON. By default it is refused with 415.
func WithMissingContentType() Option {
	return func(d *Decoder) { d.allowNoType = true }
}

// WithUnknownFields accepts (and ignores) object members that match no
// struct field. By default each is listed in a 400.
func WithUnknownFields() Option {
	return func(d *Decoder) { d.allowUnknown = true }
}

// WithDuplicateKeys turns off the duplicate-key check, so that the last of
// several members with the same name wins, as with encoding/json v1. By
// default a body is refused when an object holds the same member name twice
// (after unescaping), and, with WithCaseInsensitiveNames, two names that
// decode into the same struct field. encoding/json v2 makes the check while
// it decodes.
func WithDuplicateKeys() Option {
	return func(d *Decoder) { d.allowDuplicate = true }
}

// WithCaseInsensitiveNames matches object members to struct fields without
// regard to case, as encoding/json v1 did: "NAME" and "Name" decode into the
// field named "name" (an exact match wins). By default names match exactly,
// and a member that differs from a field's name only in case is an unknown
// field. Two members that decode into the same field are then refused as
// duplicates, unless WithDuplicateKeys is given too.
func WithCaseInsensitiveNames() Option {
	return func(d *Decoder) { d.fold = true }
}

// WithValidator makes the Decoder validate with v instead of the shared
// default. Register TagName on v (v.RegisterTagNameFunc(validation.TagName))
// for field errors to carry JSON names rather than Go names.
func WithValidator(v *validator.Validate) Option {
	if v == nil {
		panic("apierror/validation: WithValidator(nil)")
	}
	return func(d *Decoder) { d.validate = v }
}

// WithTranslator enables translated field messages: when a request's
// Accept-Language names a locale that t holds, and a translation was
// registered on the validator for the failed rule (for example with
// validator/v10/translations/fr.RegisterDefaultTranslations), the field's
// message is that translation. Otherwise, and always without
// Accept-Language, the message is the built-in English text.
func WithTranslator(t *ut.UniversalTranslator) Option {
	if t == nil {
		panic("apierror/validation: WithTranslator(nil)")
	}
	return func(d *Decoder) { d.trans = t }
}

// WithMessage replaces the English message for a validation tag, built-in or
// custom. In the template, {field} stands for the field's path and {param}
// for the tag's parameter: "{field} must follow the template {param}".
func WithMessage(tag, message string) Option {
	return func(d *Decoder) { d.messages[tag] = message }
}

// WithRule registers a custom validation tag with its English message (a
// template as for WithMessage) in one step. A Decoder with rules and no
// WithValidator gets a validator of its own, so that its rules do not leak
// into the shared one.
func WithRule(tag string, fn validator.Func, message string) Option {
	if tag == "" || fn == nil {
		panic("apierror/validation: WithRule needs a tag and a function")
	}
	return func(d *Decoder) { d.rules = append(d.rules, rule{tag, message, fn}) }
}

func newValidate() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(TagName)
	return v
}

var sharedValidate = sync.OnceValue(newValidate)

// Validator returns the shared *validator.Validate that Decoders use unless
// given their own: created once, with required-struct checking and TagName
// registered. Register rules on it only before serving.
func Validator() *validator.Validate { return sharedValidate() }

// New returns a Decoder. Zero options give the strict default: JSON content
// types only, 1 MiB, depth 64, unknown fields and duplicate keys refused,
// the shared validator, English messages. Bad options panic here.
func New(opts ...Option) *Decoder {
	d := &Decoder{
		maxBytes:  DefaultMaxBytes,
		maxDepth:  DefaultMaxDepth,
		maxFields: DefaultMaxFieldErrors,
		messages:  map[string]string{},
	}
	for _, o := range opts {
		o(d)
	}
	d.jsonOpts = d.jsonOptions()
	d.lenientOpts = jsonv2.JoinOptions(d.jsonOpts, jsonv2.RejectUnknownMembers(false))
	if d.validate == nil {
		if len(d.rules) > 0 {
			d.validate = newValidate()
		} else {
			d.validate = Validator()
		}
	}
	for _, r := range d.rules {
		if err := d.RegisterRule(r.tag, r.fn, r.message); err != nil {
			panic("apierror/validation: " + err.Error())
		}
	}
	return d
}

var defaultDecoder = sync.OnceValue(func() *Decoder { return New() })

// Default returns the Decoder the package-level functions use, built with no
// options.
func Default() *Decoder { return defaultDecoder() }

// RegisterRule registers a custom validation tag on the Decoder's validator
// together with the English message its failures carry (a template as for
// WithMessage). Call it before serving: the validator's registrations are not
// safe to make while it is in use. On Default it changes the shared
// validator, so every Decoder using it sees the rule.
func (d *Decoder) RegisterRule(tag string, fn validator.Func, message string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rule %q: %v", tag, p)
		}
	}()
	if err := d.validate.RegisterValidation(tag, fn); err != nil {
		return err
	}
	d.rulesMu.Lock()
	d.messages[tag] = message
	d.rulesMu.Unlock()
	return nil
}

// RegisterRule registers a custom validation tag and its message on Default.
func RegisterRule(tag string, fn validator.Func, message string) error {
	return Default().RegisterRule(tag, fn, message)
}

// Decode decodes the JSON body of r into dst, strictly, then validates it, and
// returns nil or an *errresp.Error ready for errresp.Write:
//
//   - 415 UnsupportedMediaType when the Content-Type is not JSON (or missing);
//   - 413 PayloadTooLarge when the body is larger than the limit;
//   - 400 InvalidRequest for an empty body, null, a value that is not an
//     object, a syntax error or truncated body (with line, column and byte
//     offset), nesting deeper than the limit, trailing data, duplicate keys,
//     unknown fields, values of the wrong type, and failed validation rules,
//     each bad field listed with its JSON path. A body whose only faults in
//     shape are unknown members is validated as if they were not there, so
//     that one answer lists the unknown members and the failed rules
//     together; at most WithMaxFieldErrors fields are listed.
//
// dst must be a non-nil pointer; anything else is a programming error,
// returned as an Internal error.
func (d *Decoder) Decode(r *http.Request, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errresp.Wrap(errresp.Internal, fmt.Errorf("validation: Decode needs a non-nil pointer, got %T", dst), "")
	}
	if r.Body == nil || r.Body == http.NoBody {
		return errEmpty()
	}
	if e := d.checkMediaType(r.Header.Get("Content-Type")); e != nil {
		return e
	}
	b, e := d.readBody(r)
	if e != nil {
		return e
	}
	defer b.release()
	if err := d.decodeBody(b.buf, dst, rv.Type().Elem()); err != nil {
		return d.withRules(r, b.buf, rv.Type().Elem(), err)
	}
	return d.validateStruct(r, dst, "body")
}

// Validate runs the validator on v (a struct or a pointer to one) and turns
// its failures into a 400 InvalidRequest listing each field, located "body".
// It returns nil when v is valid. Use it for values decoded some other way.
func (d *Decoder) Validate(r *http.Request, v any) error {
	return d.validateStruct(r, v, "body")
}

// Decode decodes and validates the JSON body of r into dst with Default.
// See (*Decoder).Decode.
func Decode[T any](r *http.Request, dst *T) error { return Default().Decode(r, dst) }

// Validate validates v with Default. See (*Decoder).Validate.
func Validate(r *http.Request, v any) error { return Default().Validate(r, v) }

// body is a pooled buffer holding one request body.
type body struct {
	buf []byte
}

var bodyPool = sync.Pool{New: func() any { return &body{buf: make([]byte, 0, 4096)} }}

const maxPooled = 256 << 10

func (b *body) release() {
	if cap(b.buf) > maxPooled {
		return
	}
	b.buf = b.buf[:0]
	bodyPool.Put(b)
}

// Match returns a validation function, for WithRule or RegisterRule, that
// accepts strings matching the regular expression pattern in full. It panics
// if pattern does not compile.
//
//	validation.WithRule("slug", validation.Match(`[a-z0-9-]+`), "{field} may contain only lowercase letters, digits and hyphens.")
func Match(pattern string) validator.Func {
	re, err := regexp.Compile(`\A(?:` + pattern + `)\z`)
	if err != nil {
		panic("apierror/validation: Match: " + err.Error())
	}
	return func(fl validator.FieldLevel) bool {
		f := fl.Field()
		return f.Kind() == reflect.String && re.MatchString(f.String())
	}
}
