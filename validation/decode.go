package validation

import (
	"errors"
	"net/http"
	"reflect"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/jsonv2"
)

// The decode step: encoding/json v2 decodes the body into the Go value in
// one pass that also checks its syntax, duplicate names and unknown members.
// Only a body that may nest too deeply or is not an object is read token by
// token first (syntax.go); only a failure is looked at again.

// jsonOptions are the encoding/json v2 options of a Decoder's settings. Two
// keep what encoding/json v1 did with struct tags services already have: a
// time.Duration is a number of nanoseconds, and ",string" quotes booleans and
// strings too.
func (d *Decoder) jsonOptions() jsonv2.Options {
	return jsonv2.JoinOptions(
		jsonv2.FormatDurationAsNano(true),
		jsonv2.StringifyWithLegacySemantics(true),
		jsonv2.RejectUnknownMembers(!d.allowUnknown),
		jsonv2.AllowDuplicateNames(d.allowDuplicate),
		jsonv2.MatchCaseInsensitiveNames(d.fold),
		jsonv2.MatchCaseSensitiveDelimiter(d.fold),
	)
}

// decodeBody decodes buf, a request body, into dst, a pointer to a t, and
// turns the first problem into a 400.
func (d *Decoder) decodeBody(buf []byte, dst any, t reflect.Type) error {
	first := firstByte(buf)
	if first == len(buf) {
		return errEmpty()
	}
	if buf[first] != '{' || mayNestDeeper(buf, d.maxDepth) {
		if e := d.checkSyntax(buf, t); e != nil {
			return e
		}
		if buf[first] != '{' {
			return notAnObject(buf[first])
		}
	}
	err := jsonv2.Unmarshal(buf, dst, d.jsonOpts)
	if err == nil {
		return nil
	}
	return d.explain(buf, t, err)
}

// explain turns a failed decode into a 400: the body's first syntax problem
// if it has one (v2 reports a value of the wrong type before a syntax error
// further on), else every member that does not fit t, each with its path.
func (d *Decoder) explain(buf []byte, t reflect.Type, err error) error {
	if e := d.checkSyntax(buf, t); e != nil {
		return e
	}
	var first errresp.FieldError
	var se *jsonv2.SyntacticError
	var sem *jsonv2.SemanticError
	switch {
	case errors.As(err, &se) && se.Err == jsonv2.ErrDuplicateName: // two names for one field, matched regardless of case
		return duplicate(pathOf(t, se.JSONPointer, d.fold))
	case se != nil: // in the JSON text a ",string" field holds
		first = semanticField(pathOf(t, se.JSONPointer, d.fold), &jsonv2.SemanticError{Err: se})
	case errors.As(err, &sem):
		first = semanticField(pathOf(t, sem.JSONPointer, d.fold), sem)
	default:
		return errresp.Wrap(errresp.InvalidRequest, err, "The request body does not have the expected shape.")
	}
	fs, more := d.mismatches(buf, t)
	if se != nil && len(fs) > 0 { // the walk places it better than v2's inner pointer
		return invalid(fs, more)
	}
	// v2's own verdict leads the list, unless the walk found it too.
	for _, f := range fs {
		if f.Pointer == first.Pointer {
			return invalid(fs, more)
		}
	}
	if len(fs) >= d.maxFields {
		fs, more = fs[:d.maxFields-1], more+1
	}
	return invalid(append([]errresp.FieldError{first}, fs...), more)
}

// withRules answers a body that failed to decode with err: when its only
// faults are unknown members, all listed, it is decoded again without them
// and validated, so that the answer lists the failed rules after the unknown
// members; otherwise (a value of the wrong type, a syntax error) err alone,
// since the rules would judge fields that did not decode.
func (d *Decoder) withRules(r *http.Request, buf []byte, t reflect.Type, err error) error {
	var e *errresp.Error
	if d.allowUnknown || !errors.As(err, &e) || e.Kind != errresp.InvalidRequest || len(e.Fields) == 0 ||
		e.Info["more_invalid_fields"] != nil {
		return err
	}
	for _, f := range e.Fields {
		if f.Rule != "unknown" {
			return err
		}
	}
	v := reflect.New(t).Interface()
	if jsonv2.Unmarshal(buf, v, d.lenientOpts) != nil {
		return err
	}
	return d.validateWith(r, v, func(string) string { return "body" }, e.Fields)
}

// semanticField is the field error of v2's own report, at path p.
func semanticField(p []seg, sem *jsonv2.SemanticError) errresp.FieldError {
	f := fieldPath(p)
	subject := f
	if subject == "" {
		subject = "The request body"
	}
	fe := errresp.FieldError{Field: f, Pointer: pointer(p), In: "body", Rule: "type"}
	switch {
	case errors.Is(sem, jsonv2.ErrUnknownName):
		fe.Rule, fe.Message = "unknown", subject+" is not a known field; remove it or check its spelling."
	case sem.GoType != nil && sem.JSONKind != 0:
		var msg string
		fe.Rule, fe.Param, msg = typeMessage(sem.GoType, sem.JSONKind, false, sem)
		fe.Message = subject + " " + msg
	default:
		fe.Message = subject + " has a value of the wrong type."
	}
	return fe
}

// duplicate is the 400 for a member name that appears twice, at path p.
func duplicate(p []seg) *errresp.Error {
	f := fieldPath(p)
	return invalid([]errresp.FieldError{{Field: f, Pointer: pointer(p), In: "body", Rule: "duplicate",
		Message: f + " appears more than once in its object; send each member once."}}, 0)
}
