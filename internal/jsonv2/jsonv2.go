// Package jsonv2 names the parts of encoding/json v2 that the module decodes
// with, so that where they come from is said in one place.
//
// While the module's minimum Go is 1.26 they come from
// github.com/go-json-experiment/json, which on Go 1.27 and later is itself an
// alias of the standard library's packages. Once the minimum is 1.27, the
// import block below is the whole change:
//
//	json "encoding/json/v2"
//	"encoding/json/jsontext"
//	jsonv1 "encoding/json"
package jsonv2

import (
	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Types of encoding/json/v2 and encoding/json/jsontext.
type (
	// Options configures decoding; see encoding/json/v2.Options.
	Options = json.Options
	// SemanticError is a JSON value that does not fit its Go value.
	SemanticError = json.SemanticError
	// SyntacticError is JSON text that is not valid.
	SyntacticError = jsontext.SyntacticError
	// Decoder reads JSON text token by token.
	Decoder = jsontext.Decoder
	// Kind is the kind of a JSON token or value.
	Kind = jsontext.Kind
	// Pointer is an RFC 6901 JSON pointer.
	Pointer = jsontext.Pointer
	// Unmarshaler is the method by which a type decodes itself from JSON.
	Unmarshaler = json.Unmarshaler
	// UnmarshalerFrom is the streaming form of Unmarshaler.
	UnmarshalerFrom = json.UnmarshalerFrom
)

// Functions and options of encoding/json/v2 and encoding/json/jsontext.
var (
	// Unmarshal decodes JSON text into a Go value.
	Unmarshal = json.Unmarshal
	// NewDecoder returns a Decoder reading from a reader.
	NewDecoder = jsontext.NewDecoder
	// JoinOptions merges options, later ones winning.
	JoinOptions = json.JoinOptions
	// RejectUnknownMembers refuses object members that match no struct field.
	RejectUnknownMembers = json.RejectUnknownMembers
	// MatchCaseInsensitiveNames matches members to fields regardless of case.
	MatchCaseInsensitiveNames = json.MatchCaseInsensitiveNames
	// MatchCaseSensitiveDelimiter keeps '_' and '-' significant when names
	// are matched regardless of case, as encoding/json v1 did.
	MatchCaseSensitiveDelimiter = jsonv1.MatchCaseSensitiveDelimiter
	// FormatDurationAsNano reads a time.Duration from a number of
	// nanoseconds, as encoding/json v1 did; v2 has no default for it.
	FormatDurationAsNano = jsonv1.FormatDurationAsNano
	// StringifyWithLegacySemantics lets the ",string" field option quote
	// booleans and strings too, as encoding/json v1 did.
	StringifyWithLegacySemantics = jsonv1.StringifyWithLegacySemantics
	// AllowDuplicateNames accepts objects that repeat a member name.
	AllowDuplicateNames = jsontext.AllowDuplicateNames
)

// Errors of encoding/json/v2 and encoding/json/jsontext.
var (
	// ErrUnknownName is a member that matches no struct field.
	ErrUnknownName = json.ErrUnknownName
	// ErrDuplicateName is a member name that appears twice in an object.
	ErrDuplicateName = jsontext.ErrDuplicateName
	// ErrNonStringName is an object member name that is not a string.
	ErrNonStringName = jsontext.ErrNonStringName
)

// AppendQuote appends s as a JSON string.
var AppendQuote = jsontext.AppendQuote[string]
