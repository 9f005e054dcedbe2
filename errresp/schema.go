package errresp

import (
	"encoding/json"
	"sort"
)

// schemaDef describes a style's envelope for Schema: its members, the
// required ones and the member that carries the code.
type schemaDef struct {
	props      func() map[string]any
	required   []string
	codeMember string
}

// Schema returns an OpenAPI 3.1 (JSON Schema 2020-12) schema of the style's
// envelope, with the style's codes and the service's declared ones
// (DeclareCodes) as the code member's enum. Built-in and declared
// (NewStyle) styles describe every member; a style with a hand-written
// Encode gets a schema whose members are those of an example envelope.
func (s *Style) Schema() map[string]any {
	props := map[string]any{}
	var required []string
	if d := s.schema; d != nil {
		props, required = d.props(), d.required
		if d.codeMember != "" {
			p := props[d.codeMember].(map[string]any)
			p["enum"] = s.codeList()
		}
	} else {
		var m map[string]any
		body, _ := Render(s, sampleError, "req")
		_ = json.Unmarshal(body, &m)
		for k, v := range m {
			props[k] = map[string]any{"type": jsonType(v)}
		}
	}
	schema := map[string]any{
		"title":                s.Name + " error",
		"type":                 "object",
		"properties":           props,
		"additionalProperties": true,
	}
	if len(required) > 0 {
		schema["required"] = required
	}
	return schema
}

// codeList returns every code the style may write: its own for every kind
// and the declared ones, whatever ReferenceKinds says.
func (s *Style) codeList() []string {
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, k := range Kinds() {
		add(s.code(k).Code)
	}
	for _, c := range currentCatalogue().codes {
		add(c.Code)
	}
	sort.Strings(out)
	return out
}

func strSchema(desc string) map[string]any {
	return map[string]any{"type": "string", "description": desc}
}

func fieldsSchema(n FieldNames) map[string]any {
	ptr := "RFC 6901 JSON pointer to the field"
	if n.PointerPrefix != "" {
		ptr += ", as a URI fragment (" + n.PointerPrefix + "/items/0/name)"
	}
	props := map[string]any{}
	add := func(name string, v map[string]any) {
		if name != "" {
			props[name] = v
		}
	}
	add(n.Field, strSchema("JSON path of the field, such as items[0].name, or the parameter name."))
	add(n.Pointer, strSchema(ptr+"."))
	add(n.In, map[string]any{"type": "string", "enum": []string{"body", "query", "path", "header"}})
	add(n.Rule, strSchema("The rule that failed, such as required or min."))
	add(n.Param, strSchema("The rule's parameter."))
	add(n.Message, strSchema("What is wrong, in English."))
	var required []string
	for _, name := range []string{n.Field, n.Message} {
		if name != "" {
			required = append(required, name)
		}
	}
	items := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		items["required"] = required
	}
	return map[string]any{
		"type":        "array",
		"description": "Each field that failed validation.",
		"items":       items,
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return "object"
}
