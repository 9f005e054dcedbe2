package validation

import (
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/apierror/apierror/internal/jsonv2"
)

// plain are the messages of tags whose text needs no parameter.
var plain = map[string]string{
	"required":             "is required.",
	"required_if":          "is required.",
	"required_unless":      "is required.",
	"required_with":        "is required.",
	"required_with_all":    "is required.",
	"required_without":     "is required.",
	"required_without_all": "is required.",
	"excluded_if":          "must not be set.",
	"excluded_unless":      "must not be set.",
	"excluded_with":        "must not be set.",
	"excluded_with_all":    "must not be set.",
	"excluded_without":     "must not be set.",
	"excluded_without_all": "must not be set.",
	"isdefault":            "must not be set.",
	"email":                "must be a valid email address.",
	"url":                  "must be a valid URL, such as https://example.com/path.",
	"http_url":             "must be a valid http or https URL.",
	"https_url":            "must be a valid https URL.",
	"uri":                  "must be a valid URI.",
	"url_encoded":          "must be URL-encoded.",
	"uuid":                 "must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000.",
	"uuid_rfc4122":         "must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000.",
	"uuid3":                "must be a version 3 UUID.",
	"uuid3_rfc4122":        "must be a version 3 UUID.",
	"uuid4":                "must be a version 4 UUID, such as 9b2b3c1e-8f4a-4d2b-9c1e-2f3a4b5c6d7e.",
	"uuid4_rfc4122":        "must be a version 4 UUID, such as 9b2b3c1e-8f4a-4d2b-9c1e-2f3a4b5c6d7e.",
	"uuid5":                "must be a version 5 UUID.",
	"uuid5_rfc4122":        "must be a version 5 UUID.",
	"ulid":                 "must be a ULID.",
	"alpha":                "may contain only ASCII letters.",
	"alphanum":             "may contain only ASCII letters and digits.",
	"alphaunicode":         "may contain only letters.",
	"alphanumunicode":      "may contain only letters and digits.",
	"alphaspace":           "may contain only ASCII letters and spaces.",
	"alphanumspace":        "may contain only ASCII letters, digits and spaces.",
	"numeric":              "must be a numeric value.",
	"number":               "must contain only digits.",
	"boolean":              "must be a boolean value.",
	"hexadecimal":          "must be a hexadecimal number.",
	"hexcolor":             "must be a hexadecimal colour, such as #1a2b3c.",
	"rgb":                  "must be an rgb() colour.",
	"rgba":                 "must be an rgba() colour.",
	"hsl":                  "must be an hsl() colour.",
	"hsla":                 "must be an hsla() colour.",
	"iscolor":              "must be a colour.",
	"lowercase":            "must be in lower case.",
	"uppercase":            "must be in upper case.",
	"ascii":                "may contain only ASCII characters.",
	"printascii":           "may contain only printable ASCII characters.",
	"multibyte":            "must contain multibyte characters.",
	"ip":                   "must be an IP address.",
	"ip_addr":              "must be a resolvable IP address.",
	"ipv4":                 "must be an IPv4 address.",
	"ip4_addr":             "must be an IPv4 address.",
	"ipv6":                 "must be an IPv6 address.",
	"ip6_addr":             "must be an IPv6 address.",
	"cidr":                 "must be a CIDR network, such as 10.0.0.0/8.",
	"cidrv4":               "must be an IPv4 CIDR network, such as 10.0.0.0/8.",
	"cidrv6":               "must be an IPv6 CIDR network.",
	"mac":                  "must be a MAC address.",
	"hostname":             "must be a valid host name.",
	"hostname_rfc1123":     "must be a valid host name.",
	"hostname_port":        "must be a host and port, such as example.com:443.",
	"fqdn":                 "must be a fully qualified domain name.",
	"port":                 "must be a port number from 1 to 65535.",
	"e164":                 "must be a phone number in E.164 format, such as +14155552671.",
	"json":                 "must be valid JSON.",
	"jwt":                  "must be a JSON Web Token.",
	"base64":               "must be base64-encoded.",
	"base64url":            "must be base64url-encoded.",
	"base64rawurl":         "must be unpadded base64url-encoded.",
	"timezone":             "must be an IANA time zone, such as Europe/Paris.",
	"iso3166_1_alpha2":     "must be a two-letter ISO 3166 country code.",
	"iso3166_1_alpha3":     "must be a three-letter ISO 3166 country code.",
	"iso4217":              "must be an ISO 4217 currency code.",
	"bcp47_language_tag":   "must be a BCP 47 language tag, such as en-GB.",
	"semver":               "must be a semantic version, such as 1.2.3.",
	"cron":                 "must be a cron expression.",
	"latitude":             "must be a latitude from -90 to 90.",
	"longitude":            "must be a longitude from -180 to 180.",
	"credit_card":          "must be a valid card number.",
	"unique":               "must not contain duplicate values.",
	"dir":                  "must be an existing directory.",
	"file":                 "must be an existing file.",
	"md5":                  "must be an MD5 hash.",
	"sha256":               "must be a SHA-256 hash.",
	"mongodb":              "must be a MongoDB object id.",
	"image":                "must be an image.",
}

// withParam are the messages of tags that name their parameter.
var withParam = map[string]string{
	"contains":       "must contain the text %q.",
	"containsany":    "must contain at least one of the characters %q.",
	"containsrune":   "must contain the character %q.",
	"excludes":       "must not contain the text %q.",
	"excludesall":    "must not contain any of the characters %q.",
	"excludesrune":   "must not contain the character %q.",
	"startswith":     "must start with %q.",
	"endswith":       "must end with %q.",
	"startsnotwith":  "must not start with %q.",
	"endsnotwith":    "must not end with %q.",
	"datetime":       "must be a date and time in the layout %q.",
	"eqfield":        "must equal the field %s.",
	"nefield":        "must not equal the field %s.",
	"gtfield":        "must be greater than the field %s.",
	"gtefield":       "must be at least the field %s.",
	"ltfield":        "must be less than the field %s.",
	"ltefield":       "must be at most the field %s.",
	"eqcsfield":      "must equal the field %s.",
	"necsfield":      "must not equal the field %s.",
	"gtcsfield":      "must be greater than the field %s.",
	"gtecsfield":     "must be at least the field %s.",
	"ltcsfield":      "must be less than the field %s.",
	"ltecsfield":     "must be at most the field %s.",
	"fieldcontains":  "must contain the field %s.",
	"fieldexcludes":  "must not contain the field %s.",
	"required_if_eq": "is required.",
}

// english is the built-in English text of a failed rule, without the field
// name: "must be at least 3 characters long." kind and typ are the field's, so
// that min=3 reads right for strings, lists and numbers.
func english(tag, param string, kind reflect.Kind, typ reflect.Type) string {
	if s, ok := plain[tag]; ok {
		return s
	}
	if s, ok := withParam[tag]; ok {
		i := strings.Index(s, "%")
		if i < 0 {
			return s
		}
		p := param
		if s[i+1] == 'q' {
			p = `"` + param + `"`
		}
		return s[:i] + p + s[i+2:]
	}
	switch tag {
	case "oneof":
		return "must be one of: " + strings.Join(oneofValues(param), ", ") + "."
	case "len", "eq", "min", "gte", "max", "lte", "gt", "lt", "ne":
		return sizeMessage(tag, param, kind, typ)
	}
	return `does not satisfy the "` + tag + `" rule.`
}

// oneofValues splits a oneof parameter as validator/v10 does: on spaces, with
// 'single quotes' around values that hold spaces.
func oneofValues(param string) []string {
	var out []string
	for param = strings.TrimSpace(param); param != ""; param = strings.TrimSpace(param) {
		if param[0] == '\'' {
			if end := strings.IndexByte(param[1:], '\''); end >= 0 {
				out = append(out, param[1:end+1])
				param = param[end+2:]
				continue
			}
		}
		v, rest, _ := strings.Cut(param, " ")
		out = append(out, v)
		param = rest
	}
	return out
}

// sizeMessage words the comparison tags for the field's kind: a length for
// strings, a count for lists and maps, a value for numbers, the present
// moment for times without a parameter.
func sizeMessage(tag, param string, kind reflect.Kind, typ reflect.Type) string {
	if param == "" && (typ == timeType || typ != nil && typ.Kind() == reflect.Pointer && typ.Elem() == timeType) {
		switch tag {
		case "gt":
			return "must be in the future."
		case "gte":
			return "must not be in the past."
		case "lt":
			return "must be in the past."
		case "lte":
			return "must not be in the future."
		}
	}
	form, unit := 0, ""
	switch kind {
	case reflect.String:
		form, unit = 1, " characters"
	case reflect.Slice, reflect.Array, reflect.Map:
		form, unit = 2, " items"
	}
	n := param + unit
	if param == "1" && unit != "" {
		n = n[:len(n)-1]
	}
	w := sizeWords[tag][form]
	i := strings.IndexByte(w, '%')
	return w[:i] + n + w[i+1:]
}

// sizeWords words each comparison tag for a number, a string and a list;
// '%' stands for the parameter with its unit.
var sizeWords = map[string][3]string{
	"len": {"must be %.", "must be exactly % long.", "must contain exactly %."},
	"eq":  {"must be %.", "must be exactly % long.", "must contain exactly %."},
	"ne":  {"must not be %.", "must not be % long.", "must not contain %."},
	"min": {"must be at least %.", "must be at least % long.", "must contain at least %."},
	"gte": {"must be at least %.", "must be at least % long.", "must contain at least %."},
	"max": {"must be at most %.", "must be at most % long.", "must contain at most %."},
	"lte": {"must be at most %.", "must be at most % long.", "must contain at most %."},
	"gt":  {"must be greater than %.", "must be longer than %.", "must contain more than %."},
	"lt":  {"must be less than %.", "must be shorter than %.", "must contain fewer than %."},
}

// typeMessage words what encoding/json v2 said (err) when a JSON value of
// kind k did not decode into a t: the rule, its parameter and the text
// without the field's name. quoted is the field's ",string" option.
func typeMessage(t reflect.Type, k jsonv2.Kind, quoted bool, err error) (rule, param, msg string) {
	pt := reflect.PointerTo(t)
	if t == timeType || pt.Implements(jsonUnmarshaler) || pt.Implements(jsonFrom) || pt.Implements(textUnmarshaler) {
		switch {
		case t == timeType && k == '"':
			return "format", "date-time", "must be a date and time in RFC 3339 format, such as 2006-01-02T15:04:05Z."
		case t == timeType || !pt.Implements(jsonUnmarshaler) && !pt.Implements(jsonFrom) && k != '"':
			return "type", "string", "must be a string."
		}
		return "format", "", "is not in a valid format."
	}
	switch {
	case quoted && k != '"':
		return "type", "string", "must be written as a string, such as \"5\" or \"true\"."
	case quoted && t.Kind() == reflect.String:
		return "type", "string", "must be a JSON string written inside a string, such as \"\\\"text\\\"\"."
	}
	switch kind := t.Kind(); {
	case kind == reflect.String:
		return "type", "string", "must be a string."
	case kind == reflect.Bool:
		return "type", "boolean", "must be true or false."
	case kind >= reflect.Int && kind <= reflect.Int64:
		return "type", "integer", intMessage(err, "-"+strconv.FormatUint(1<<(t.Bits()-1), 10), strconv.FormatInt(1<<(t.Bits()-1)-1, 10))
	case kind >= reflect.Uint && kind <= reflect.Uintptr:
		return "type", "integer", intMessage(err, "0", strconv.FormatUint(1<<t.Bits()-1, 10))
	case kind == reflect.Float32 || kind == reflect.Float64:
		if k == '0' && errors.Is(err, strconv.ErrRange) {
			return "type", "number", "is too large a number."
		}
		return "type", "number", "must be a number."
	case (kind == reflect.Slice || kind == reflect.Array) && t.Elem().Kind() == reflect.Uint8:
		return "type", "base64", "must be a base64-encoded string."
	case kind == reflect.Array:
		return "type", "array", "must be an array of exactly " + strconv.Itoa(t.Len()) + " items."
	}
	return "type", "", "cannot be set from the request body."
}
