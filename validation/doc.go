// Package validation decodes request bodies strictly and validates them, and
// path and query parameters, with github.com/go-playground/validator/v10,
// turning every failure into an *errresp.Error for errresp.Write. It never
// writes a response itself.
//
// A handler decodes and validates in one call:
//
//	type CreateVM struct {
//		Name    string `json:"name" validate:"required,min=3,max=63,vmname"`
//		Size    int    `json:"size" validate:"required,min=1,max=64"`
//		Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
//		ImageID string `json:"image_id" validate:"required,uuid"`
//	}
//
//	var vms = validation.New(validation.WithMaxBytes(64<<10),
//		validation.WithRule("vmname", validation.Match(`[a-z0-9-]+`),
//			"{field} may contain only lowercase letters, digits and hyphens."))
//
//	var req CreateVM
//	if err := vms.Decode(r, &req); err != nil {
//		errresp.Write(w, r, err)
//		return
//	}
//
// Decode refuses, each with its own status and a message a person can act on:
// a Content-Type that is not JSON (415, naming the accepted types), a body
// larger than the limit (413, naming the limit; the body is not read past
// it), and with 400 InvalidRequest an empty body, null, a top-level value
// that is not an object, a syntax error or truncated body (with line, column
// and byte offset), nesting deeper than the limit, data after the object,
// duplicate keys, unknown fields and values of the wrong type (every one of
// them, not only the first the decoder meets), then, once the body has
// decoded, every validator/v10 rule that fails. A body whose only faults in
// shape are unknown members gets one answer listing those members and the
// rules that fail; one with a value of the wrong type lists the shape's
// faults alone. One answer lists at most 50 fields (WithMaxFieldErrors) and
// counts the rest in the info member "more_invalid_fields".
//
// Each failing field becomes an errresp.FieldError with the field's JSON path
// ("items[1].name", no root type name), its JSON pointer ("/items/1/name",
// which the Problem style sends as "#/items/1/name"; see errresp.FieldError),
// where it is ("body", "path" or "query"), the rule and its parameter, and an
// English message ("items[1].name must be at least 3 characters long."). The
// rejected value is never echoed. Messages may be replaced per tag
// (WithMessage), custom rules come with their message (WithRule,
// RegisterRule), and validator's universal-translator translations are used
// when the request's Accept-Language asks for a locale the service supplies
// (WithTranslator).
//
// Bodies are decoded with encoding/json v2 (github.com/go-json-experiment/json,
// which is encoding/json/v2 on Go 1.27 and later), in one pass that also
// refuses duplicate member names, invalid UTF-8 and unknown members. Member
// names match struct fields exactly: {"Name":"a"} for a field tagged
// json:"name" is an unknown field. WithCaseInsensitiveNames matches them
// regardless of case, as encoding/json v1 did; two members that then decode
// into one field, {"name":"a","NAME":"b"}, are refused as duplicates, since a
// proxy or another parser may see "a" where the service sees "b".
// WithDuplicateKeys lets the last of several equal names win.
//
// Params does the same for path parameters (chi's URL parameters or
// http.Request.PathValue) and query parameters, named by `path` and `query`
// struct tags.
//
// One *validator.Validate, created on first use and cached, is shared by
// default (see Validator); a service may bring its own with WithValidator.
package validation
