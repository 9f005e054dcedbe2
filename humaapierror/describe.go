package humaapierror

import (
	"encoding/json"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/apierror/apierror/errresp"
)

// Describe makes api's OpenAPI describe the envelopes of style s (and of
// the alternatives, such as errresp.Problem() when the router's Style
// negotiates it) as every operation's error responses: each response of
// status 400 or more, and the default one, gets the style's schema
// (errresp.Style.Schema, kept in the components as "<Style>Error") under
// the style's content type; styles that share a content type (gpcn and
// gcore are both application/json) are its oneOf, so Describe(api,
// errresp.Default, errresp.Styles()...) describes every registered style.
// huma's 422 for validation becomes the 400 the envelope is sent with.
// Operations added later are described as they are added; a later Describe
// replaces what an earlier one said.
func Describe(api huma.API, s *errresp.Style, alternatives ...*errresp.Style) {
	if api == nil || s == nil {
		panic("apierror/huma: Describe needs an API and a style")
	}
	oapi := api.OpenAPI()
	content := map[string]*huma.MediaType{}
	seen := map[*errresp.Style]bool{}
	for _, st := range append([]*errresp.Style{s}, alternatives...) {
		if st == nil || seen[st] {
			continue
		}
		seen[st] = true
		name := schemaName(st)
		if oapi.Components != nil && oapi.Components.Schemas != nil {
			oapi.Components.Schemas.Map()[name] = toSchema(st.Schema())
		}
		ref := &huma.Schema{Ref: "#/components/schemas/" + name}
		mt, ok := content[st.ContentType]
		switch {
		case !ok:
			content[st.ContentType] = &huma.MediaType{Schema: ref}
		case mt.Schema.OneOf == nil:
			mt.Schema = &huma.Schema{OneOf: []*huma.Schema{mt.Schema, ref}} // two styles, one content type
		default:
			mt.Schema.OneOf = append(mt.Schema.OneOf, ref)
		}
	}
	describe := func(op *huma.Operation) {
		if r, ok := op.Responses["422"]; ok {
			delete(op.Responses, "422")
			if _, has := op.Responses["400"]; !has {
				r.Description = "Bad Request"
				op.Responses["400"] = r
			}
		}
		for code, r := range op.Responses {
			if code == "default" || code >= "400" {
				r.Content = content
			}
		}
	}
	for _, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Options, item.Head, item.Patch, item.Trace} {
			if op != nil {
				describe(op)
			}
		}
	}
	oapi.OnAddOperation = append(oapi.OnAddOperation, func(_ *huma.OpenAPI, op *huma.Operation) { describe(op) })
}

// schemaName is the component name of a style's envelope: GpcnError.
func schemaName(s *errresp.Style) string {
	n := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s.Name)
	if n == "" {
		n = "Style"
	}
	return strings.ToUpper(n[:1]) + n[1:] + "Error"
}

// toSchema converts a JSON Schema document to huma's type.
func toSchema(m map[string]any) *huma.Schema {
	b, err := json.Marshal(m)
	if err != nil {
		panic("apierror/huma: a style's schema does not encode: " + err.Error())
	}
	var s huma.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		panic("apierror/huma: a style's schema does not decode: " + err.Error())
	}
	return &s
}
