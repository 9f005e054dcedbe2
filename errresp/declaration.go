package errresp

import "fmt"

// Members names the members of a declared style's envelope (see NewStyle).
// Code and Message are required; an empty name leaves that member out.
type Members struct {
	// Code holds the code, such as "error_code".
	Code string
	// Message holds the message.
	Message string
	// Title, when set, holds the code's title.
	Title string
	// Status, when set, holds the HTTP status as an integer.
	Status string
	// Reason, when set, holds the kind's name, which tells apart kinds that
	// share a code. A style whose codes are shared needs it.
	Reason string
	// RequestID, when set, holds the request id (left out when there is none).
	RequestID string
	// Fields, when set, holds the field errors, each named by FieldNames.
	// Without it field errors are not written.
	Fields string
	// Info, when set, holds the Info entries as one nested object; empty
	// puts them among the envelope's own members, skipping those names.
	Info string
}

// Declaration is a style as data: its name, content type, codes, page
// messages and member names. NewStyle turns it into a Style whose encoder,
// parser and schema all follow from it.
type Declaration struct {
	// Name is the style's short name.
	Name string
	// ContentType is the response's Content-Type; empty is application/json.
	ContentType string
	// Codes and Messages are as in Style.
	Codes    map[Kind]Code
	Messages map[Kind]string
	// Docs is as in Style: the reference pages' text per kind.
	Docs map[Kind]CodeDoc
	// Members names the envelope's members.
	Members Members
	// FieldNames names the members of one field error; the zero value gives
	// field, pointer, in, rule, param and message.
	FieldNames FieldNames
}

// NewStyle returns the style d declares: Write encodes its envelope with the
// declared members, Decode reads it back (once it is registered with
// Register, as clients of the client package do) and Schema describes it.
// The returned style's closures refer to the style itself, so a
// package-level
//
//	var Mine = errresp.NewStyle(errresp.Declaration{...})
//
// has no initialisation cycle. Decode tries the built-in styles first, so
// the members must not be read as one of theirs: a body with "error" and no
// "success" is AuthPI's, one with "code" and "title" DevDocs', one with
// "exception_class" Gcore's, one with "status" and "title" or "type" a
// problem. NewStyle panics when the name, the code or the message member is
// missing, when two members share a name, or when kinds share a code and
// no Reason member tells them apart.
func NewStyle(d Declaration) *Style {
	m := d.Members
	if d.Name == "" || m.Code == "" || m.Message == "" {
		panic("errresp: NewStyle needs a name, a code member and a message member")
	}
	names := []string{m.Code, m.Message, m.Title, m.Status, m.Reason, m.RequestID, m.Fields, m.Info}
	reserved := make([]string, 0, len(names))
	for _, n := range names {
		if n == "" {
			continue
		}
		for _, r := range reserved {
			if r == n {
				panic(fmt.Sprintf("errresp: NewStyle: member %q named twice", n))
			}
		}
		reserved = append(reserved, n)
	}
	fn := d.FieldNames
	if fn == (FieldNames{}) {
		fn = fieldNames
	}
	s := &Style{Name: d.Name, ContentType: d.ContentType, Codes: d.Codes, Messages: d.Messages, Docs: d.Docs}
	if m.Reason == "" {
		for k := Unknown + 1; k < kindEnd; k++ {
			if s.shared(k) {
				panic(fmt.Sprintf("errresp: NewStyle: style %s answers %v with a shared code and has no Reason member", d.Name, k))
			}
		}
	}
	s.Encode = func(o *Object, env *Envelope) {
		o.String(m.Code, env.Code)
		if m.Title != "" {
			o.String(m.Title, env.Title)
		}
		if m.Status != "" {
			o.Int(m.Status, int64(env.Status))
		}
		o.String(m.Message, env.Message)
		if m.Reason != "" {
			o.String(m.Reason, env.Kind.String())
		}
		if m.RequestID != "" {
			o.StringIf(m.RequestID, env.RequestID)
		}
		if m.Fields != "" {
			o.Fields(m.Fields, env.Fields, fn)
		}
		if m.Info == "" {
			o.Info(env.Info, reserved...)
		} else if len(env.Info) > 0 {
			in := o.Open(m.Info)
			in.Info(env.Info)
			o.Close(in)
		}
	}
	s.Parse = func(body map[string]any) (*Error, bool) {
		code, ok := body[m.Code].(string)
		if !ok {
			return nil, false
		}
		if _, ok := body[m.Message].(string); !ok {
			return nil, false
		}
		if m.Status != "" {
			if _, ok := body[m.Status].(float64); !ok {
				return nil, false
			}
		}
		e := &Error{Message: str(body[m.Message])}
		if m.RequestID != "" {
			e.RequestID = str(body[m.RequestID])
		}
		reason := ""
		if m.Reason != "" {
			reason = str(body[m.Reason])
		}
		codeAndKind(s, e, code, reason)
		if m.Fields != "" {
			e.Fields = parseFields(body[m.Fields], fn)
		}
		if m.Info != "" {
			e.Info = info(body[m.Info])
		} else {
			e.Info = rest(body, reserved)
		}
		return e, true
	}
	s.schema = declaredSchema(m, fn)
	return s
}

// declaredSchema describes a declared style's envelope.
func declaredSchema(m Members, fn FieldNames) *schemaDef {
	required := []string{m.Code, m.Message}
	for _, n := range []string{m.Title, m.Status, m.Reason} {
		if n != "" {
			required = append(required, n)
		}
	}
	return &schemaDef{
		props: func() map[string]any {
			p := map[string]any{
				m.Code:    strSchema("The error code, for programmatic matching."),
				m.Message: strSchema("A human-readable description."),
			}
			add := func(name string, v map[string]any) {
				if name != "" {
					p[name] = v
				}
			}
			add(m.Title, strSchema("The code's title."))
			add(m.Status, map[string]any{"type": "integer", "description": "The HTTP status code."})
			add(m.Reason, strSchema("The precise cause: the kind's name."))
			add(m.RequestID, strSchema("The request's id; quote it to support."))
			if m.Fields != "" {
				p[m.Fields] = fieldsSchema(fn)
			}
			add(m.Info, map[string]any{"type": "object", "description": "Extra structured data."})
			return p
		},
		required:   required,
		codeMember: m.Code,
	}
}
