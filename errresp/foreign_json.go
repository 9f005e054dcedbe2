package errresp

import (
	"math"
	"strconv"
	"strings"
)

// The error shapes of other APIs and frameworks, as readBody recognises them
// in a JSON object that is in no registered style. Each is recognised only
// by members that carry a failure; the message, code, fields and request id
// come out verbatim.

// maxForeignFields bounds the field errors read from one foreign body.
const maxForeignFields = 100

// readForeign reads the foreign shapes (see DecodeRaw for their order). code
// is the body's machine-readable code; ok is false for an object in no
// shape.
func readForeign(status int, m map[string]any) (e *Error, code string, ok bool) {
	e = &Error{}
	used := []string{}
	take := func(k string) any { used = append(used, k); return m[k] }
	switch errs, isList := m["errors"].([]any); {
	case isProblem(m):
		// RFC 9457 from another server (huma, Spring, ASP.NET): detail, else
		// title; "code" where the server adds it; errors[] as fields.
		e.Message = firstString(take("detail"), take("title"))
		code = wireString(take("code"))
		take("status")
		take("type")
		e.Fields = foreignFields(take("errors"))
	case isList && len(errs) > 0:
		// JSON:API, GitHub and other lists of failures: the top-level
		// message, else the first failure's; its code where the top level
		// has none.
		take("errors")
		first, _ := errs[0].(map[string]any)
		top := ""
		for _, k := range []string{"message", "detail", "title", "error"} {
			if v := wireString(m[k]); v != "" && isString(m[k]) {
				take(k)
				top = firstString(top, v)
			}
		}
		e.Message = firstString(top, errs[0], first["detail"], first["title"], first["message"])
		code = wireString(take("code"))
		if code == "" && top == "" {
			code = wireString(first["code"]) // JSON:API's; GitHub's are per field
		}
		e.Fields = foreignFields(errs)
	case isObject(m["error"]):
		// Google {"error":{"code":429,"message","status"}}, Stripe
		// {"error":{"type","code","message","param"}} and their like.
		in := take("error").(map[string]any)
		e.Message = firstString(in["message"], in["detail"], in["description"])
		code = wireString(in["code"])
		if code == strconv.Itoa(status) {
			code = "" // Google's code is the status
		}
		code = firstString(code, wireString(in["status"]), wireString(in["type"]))
		if p := wireString(in["param"]); p != "" {
			e.Fields = []FieldError{{Field: p, Message: e.Message}}
		}
		if d, ok := in["details"].([]any); ok {
			e.Fields = append(e.Fields, googleViolations(d)...)
		}
		e.RequestID = firstString(in["request_id"], in["requestId"])
	case isString(m["error"]) || isString(m["message"]):
		// gin {"error":"..."}, echo {"message":"..."}; with both (Spring's
		// older body), message is the text and a one-word error the code.
		msg, errText := wireString(take("message")), wireString(take("error"))
		e.Message = firstString(msg, errText)
		code = wireString(take("code"))
		if code == "" && msg != "" && errText != "" && !strings.ContainsRune(errText, ' ') {
			code = errText
		}
	default:
		return nil, "", false
	}
	// Integer codes of a status, as Google's is, are not codes.
	if code == strconv.Itoa(status) {
		code = ""
	}
	if e.RequestID == "" {
		e.RequestID = firstString(take("request_id"), take("requestId"), take("request-id"))
	}
	if sc, ok := declared(code); ok {
		e.Kind = sc.Kind
	}
	e.Info = rest(m, used)
	return e, code, true
}

// isProblem: a status number beside a title, type or detail, the members of
// RFC 9457 a server always sends.
func isProblem(m map[string]any) bool {
	if _, ok := m["status"].(float64); !ok {
		return false
	}
	return isString(m["title"]) || isString(m["type"]) || isString(m["detail"])
}

func isString(v any) bool { _, ok := v.(string); return ok }

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }

// wireString is a code or message as the wire spelled it: a string, or an
// integral number.
func wireString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
	}
	return ""
}

// firstString returns the first non-empty string among vs.
func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// foreignFields reads a list of failures as field errors: each object that
// names a field (field, huma's location "body.name", a JSON pointer,
// JSON:API's source, a parameter), with its message and, as the rule, its
// code. Failures that name no field are not field errors.
func foreignFields(v any) []FieldError {
	arr, _ := v.([]any)
	var out []FieldError
	for _, x := range arr {
		m, ok := x.(map[string]any)
		if !ok || len(out) == maxForeignFields {
			continue
		}
		f := FieldError{
			Field:   firstString(m["field"], m["name"], m["param"], m["path"]),
			Pointer: strings.TrimPrefix(wireString(m["pointer"]), "#"),
			In:      wireString(m["in"]),
			Rule:    firstString(m["rule"], m["code"]),
			Message: firstString(m["message"], m["detail"], m["description"], m["title"]),
		}
		if loc := wireString(m["location"]); loc != "" && f.Field == "" { // huma
			f.In, f.Field = splitLocation(loc)
		}
		if src, ok := m["source"].(map[string]any); ok { // JSON:API
			if p := wireString(src["pointer"]); p != "" {
				f.Pointer = p
			} else if p := wireString(src["parameter"]); p != "" {
				f.Field, f.In = p, "query"
			} else if p := wireString(src["header"]); p != "" {
				f.Field, f.In = p, "header"
			}
		}
		if f.Field == "" && f.Pointer != "" {
			f.Field = pointerPath(f.Pointer)
		}
		if f.Field == "" {
			continue
		}
		out = append(out, f)
	}
	return out
}

// splitLocation splits huma's "body.items[0].name" into where and the path.
func splitLocation(loc string) (in, field string) {
	head, tail, ok := strings.Cut(loc, ".")
	switch head {
	case "body", "query", "path", "header", "cookie":
		if ok {
			return head, tail
		}
		return head, ""
	}
	return "", loc
}

// pointerPath turns a JSON pointer into the dotted path Field holds:
// "/data/attributes/items/0/name" gives "data.attributes.items[0].name".
func pointerPath(p string) string {
	var b strings.Builder
	for seg := range strings.SplitSeq(strings.TrimPrefix(p, "/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(seg); err == nil && b.Len() > 0 {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// googleViolations reads the field violations of Google's BadRequest
// detail.
func googleViolations(details []any) []FieldError {
	var out []FieldError
	for _, d := range details {
		m, _ := d.(map[string]any)
		vs, _ := m["fieldViolations"].([]any)
		for _, v := range vs {
			fv, _ := v.(map[string]any)
			if f := wireString(fv["field"]); f != "" && len(out) < maxForeignFields {
				out = append(out, FieldError{Field: f, Message: wireString(fv["description"]), Rule: wireString(fv["reason"])})
			}
		}
	}
	return out
}
