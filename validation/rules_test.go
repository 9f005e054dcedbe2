package validation

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/fr"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	fr_translations "github.com/go-playground/validator/v10/translations/fr"
)

type templated struct {
	Name string `json:"name" validate:"required,template"`
	Code string `json:"code" validate:"len=4"`
}

func TestRulesAndMessages(t *testing.T) {
	t.Parallel()
	d := New(
		WithRule("template", Match(`acme-[a-z]+`), "{field} must follow the name template acme-<name>."),
		WithMessage("len", "{field} must have {param} characters, exactly."),
	)
	e := asError(t, d.Decode(jsonRequest(`{"name":"web","code":"abc"}`), &templated{}))
	want := []string{"name must follow the name template acme-<name>.", "code must have 4 characters, exactly."}
	for i, f := range e.Fields {
		if f.Message != want[i] {
			t.Errorf("field %d %q, want %q", i, f.Message, want[i])
		}
	}
	checkStyles(t, e, 400, "acme-<name>")
	if err := d.Decode(jsonRequest(`{"name":"acme-web","code":"abcd"}`), &templated{}); err != nil {
		t.Errorf("valid body: %v", err)
	}
	// The rule stays on d's own validator.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the shared validator knows a rule registered with WithRule")
			}
		}()
		_ = Validator().Var("x", "template") // panics on an undefined tag
	}()
}

func TestRulesAfterNew(t *testing.T) {
	t.Parallel()
	d := New(WithValidator(validator.New()))
	if err := d.RegisterRule("even", func(fl validator.FieldLevel) bool { return fl.Field().Int()%2 == 0 }, "{field} must be even."); err != nil {
		t.Fatal(err)
	}
	type body struct {
		N int `json:"n" validate:"even"`
	}
	e := asError(t, d.Decode(jsonRequest(`{"n":3}`), &body{}))
	// Without TagName registered, the validator names the Go field.
	if e.Fields[0].Field != "N" || e.Fields[0].Message != "N must be even." {
		t.Errorf("field %+v", e.Fields[0])
	}
	if err := d.RegisterRule("bad,tag", nil, ""); err == nil {
		t.Error("RegisterRule accepted a bad tag")
	}
}

func TestTranslations(t *testing.T) {
	t.Parallel()
	uni := ut.New(en.New(), en.New(), fr.New())
	trFR, _ := uni.GetTranslator("fr")
	v := validator.New()
	v.RegisterTagNameFunc(TagName)
	if err := fr_translations.RegisterDefaultTranslations(v, trFR); err != nil {
		t.Fatal(err)
	}
	d := New(WithValidator(v), WithTranslator(uni))
	tests := []struct {
		name, acceptLanguage, want string
	}{
		{name: "no header", want: "name must be at least 3 characters long."},
		{name: "french", acceptLanguage: "fr", want: "name doit faire une taille minimum de 3 caractères"},
		{name: "french region", acceptLanguage: "fr-CH, en;q=0.5", want: "name doit faire une taille minimum de 3 caractères"},
		{name: "french by quality", acceptLanguage: "de;q=0.9, fr;q=0.8, en;q=0.1", want: "name doit faire une taille minimum de 3 caractères"},
		{name: "english preferred, no english translations", acceptLanguage: "en, fr;q=0.5", want: "name must be at least 3 characters long."},
		{name: "unknown language", acceptLanguage: "ja", want: "name must be at least 3 characters long."},
		{name: "malformed header", acceptLanguage: ";;q=x,,", want: "name must be at least 3 characters long."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := jsonRequest(`{"name":"ab","size":1,"region":"eu-west","image_id":"` + vmID + `"}`)
			if tc.acceptLanguage != "" {
				r.Header.Set("Accept-Language", tc.acceptLanguage)
			}
			e := asError(t, d.Decode(r, &plainVM{}))
			if len(e.Fields) != 1 || !strings.HasPrefix(e.Fields[0].Message, tc.want) {
				t.Errorf("fields %+v, want a message starting %q", e.Fields, tc.want)
			}
		})
	}
}

func TestTagName(t *testing.T) {
	t.Parallel()
	type Embedded struct{}
	type s struct {
		A int `json:"a,omitempty"`
		B int `json:"-" path:"b"`
		C int `json:"-"`
		D int `query:"d"`
		E int
		Embedded
		F int `json:",omitempty"`
	}
	want := []string{"a", "b", "C", "d", "E", embedded, "F"}
	st := reflect.TypeFor[s]()
	for i, w := range want {
		if got := TagName(st.Field(i)); got != w {
			t.Errorf("field %s: %q, want %q", st.Field(i).Name, got, w)
		}
	}
}

func TestParseNamespace(t *testing.T) {
	t.Parallel()
	tests := map[string][2]string{
		"Req.name":                  {"name", "/name"},
		"Req.items[1].name":         {"items[1].name", "/items/1/name"},
		"Req.labels[env]":           {"labels[env]", "/labels/env"},
		"Req.m[0][2]":               {"m[0][2]", "/m/0/2"},
		"Req.\x00.id":               {"id", "/id"},
		"Req.ship.\x00.country":     {"ship.country", "/ship/country"},
		"Req.keys[a/b~c]":           {"keys[a/b~c]", "/keys/a~1b~0c"},
		"solo":                      {"solo", "/solo"},
		"Req.broken[":               {"broken[]", "/broken/"},
		"Req.items[1].tags[0].name": {"items[1].tags[0].name", "/items/1/tags/0/name"},
	}
	for ns, want := range tests {
		p := parseNamespace(ns)
		if got := [2]string{fieldPath(p), pointer(p)}; got != want {
			t.Errorf("%q: %q, want %q", ns, got, want)
		}
	}
}

func TestEnglishCoversCommonTags(t *testing.T) {
	t.Parallel()
	str := reflect.TypeFor[string]()
	tags := []string{"required", "min", "max", "len", "gte", "lte", "gt", "lt", "eq", "ne", "oneof", "email", "url",
		"uri", "uuid", "uuid4", "alphanum", "alpha", "numeric", "number", "hexadecimal", "lowercase", "uppercase",
		"ip", "ipv4", "ipv6", "cidr", "hostname", "fqdn", "e164", "json", "jwt", "base64", "datetime", "contains",
		"startswith", "endswith", "excludes", "unique", "eqfield", "iso3166_1_alpha2", "semver", "boolean", "ascii"}
	for _, tag := range tags {
		if got := english(tag, "3", reflect.String, str); strings.Contains(got, "does not satisfy") {
			t.Errorf("%s has no message of its own: %q", tag, got)
		}
	}
	if got := english("made_up", "", reflect.String, str); got != `does not satisfy the "made_up" rule.` {
		t.Errorf("fallback %q", got)
	}
	sizes := []struct {
		tag, param string
		kind       reflect.Kind
		want       string
	}{
		{"min", "1", reflect.String, "must be at least 1 character long."},
		{"max", "3", reflect.Slice, "must contain at most 3 items."},
		{"len", "2", reflect.Map, "must contain exactly 2 items."},
		{"gt", "0", reflect.Int, "must be greater than 0."},
		{"lt", "5", reflect.Float64, "must be less than 5."},
		{"ne", "0", reflect.Int, "must not be 0."},
		{"lt", "4", reflect.String, "must be shorter than 4 characters."},
	}
	for _, s := range sizes {
		if got := english(s.tag, s.param, s.kind, nil); got != s.want {
			t.Errorf("%s=%s on %v: %q, want %q", s.tag, s.param, s.kind, got, s.want)
		}
	}
	if got := english("gt", "", reflect.Struct, timeType); got != "must be in the future." {
		t.Errorf("gt on a time: %q", got)
	}
	if got := oneofValues(`a 'b c' d`); !reflect.DeepEqual(got, []string{"a", "b c", "d"}) {
		t.Errorf("oneofValues %q", got)
	}
}
