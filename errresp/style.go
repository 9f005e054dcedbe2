package errresp

import (
	"sync"
	"sync/atomic"
	"time"
)

// Code is what a style answers one kind with.
type Code struct {
	// Code is the machine-readable code, such as "RATE_LIMIT_EXCEEDED".
	Code string
	// Status is the HTTP status.
	Status int
	// Title is the style's short human title or summary for the code; it is
	// the message when an *Error has none.
	Title string
}

// Envelope is what a style's Encode function renders: one failure, resolved
// against the style (code, status and title looked up, message defaulted).
type Envelope struct {
	Kind       Kind
	Code       string
	Status     int
	Title      string
	Message    string
	RequestID  string
	Fields     []FieldError
	Info       map[string]any
	RetryAfter time.Duration
}

// Style is one envelope style: pure data (a name, a content type, a code and
// status for every kind) plus one encode function and its inverse.
//
// The five built-in styles are Problem, GPCN, DevDocs, Gcore and AuthPI. A
// service defines its own by filling in a Style; see the package example.
// A Style must not be modified once it is in use; it is safe for concurrent
// use after that.
type Style struct {
	// Name is the style's short name, such as "gpcn".
	Name string
	// ContentType is the response's Content-Type.
	ContentType string
	// Codes maps each kind to the style's code and status. A kind missing from
	// the map is answered with its String as the code and its default status.
	Codes map[Kind]Code
	// Messages holds, verbatim, the message text the style's page gives for
	// a kind, where it gives one (Gcore's authentication table: "Token is
	// invalid or expired"): a client that matches on the text finds it.
	// It is the message of an *Error whose own Message is empty (see
	// Error); a kind it leaves out says the library's sentence for the kind
	// where there is one, else the code's title.
	Messages map[Kind]string
	// Docs holds what the style's reference pages say about a kind: its
	// meaning, causes, resolution and retry advice (see CodeDoc), in the
	// words of the style's own page where it gives them. A kind missing
	// from the map, and an empty field, take the library's text (Doc).
	Docs map[Kind]CodeDoc
	// Encode writes the envelope's members into o (the braces are written by
	// the caller). It must not keep o or env.
	Encode func(o *Object, env *Envelope)
	// Parse, when set, recognises a decoded response body in this style and
	// returns the *Error it carries; Decode tries each registered style's
	// Parse. It sees the body's top-level members.
	Parse func(body map[string]any) (*Error, bool)

	once     sync.Once
	codes    [kindEnd]Code     // Codes, as an array, defaulted
	messages [kindEnd]string   // Messages, as an array
	schema   *schemaDef        // the envelope's members, for Schema
	byCode   map[string][]Kind // reverse lookup for Parse
	isShared [kindEnd]bool     // the kind's code is another kind's too
	ctHeader []string          // ContentType, as a header value
	builtin  bool              // a style of this package: its member names need no escaping
	// statusTitles: the style's titles are the status phrases, so an error
	// with a status of its own takes that status's phrase (Problem).
	statusTitles bool
	// pages: the reference pages, rendered once per catalogue (reference_handler.go).
	pages atomic.Pointer[referencePages]

	panicOnce sync.Once
	fixed500  []byte // the fixed 500 (panicBody), once encoded
}

func (s *Style) init() {
	s.once.Do(func() {
		s.byCode = make(map[string][]Kind, len(s.Codes))
		for k := Unknown + 1; k < kindEnd; k++ {
			c, ok := s.Codes[k]
			if !ok {
				c = Code{Code: k.String(), Status: k.Status(), Title: statusText(k.Status())}
			}
			if c.Status == 0 {
				c.Status = k.Status()
			}
			if c.Title == "" {
				c.Title = statusText(c.Status)
			}
			s.codes[k] = c
			s.messages[k] = s.Messages[k]
			if s.messages[k] == "" {
				s.messages[k] = kindMessages[k]
			}
			s.byCode[c.Code] = append(s.byCode[c.Code], k)
		}
		s.codes[Unknown] = s.codes[Internal]
		for k := Unknown + 1; k < kindEnd; k++ {
			s.isShared[k] = len(s.byCode[s.codes[k].Code]) > 1
		}
		ct := s.ContentType
		if ct == "" {
			ct = "application/json"
		}
		s.ctHeader = []string{ct}
	})
}

// code returns the style's answer for k (Unknown is answered as Internal).
func (s *Style) code(k Kind) Code {
	s.init()
	if k >= kindEnd {
		k = Internal
	}
	return s.codes[k]
}

// message returns the page's message text for k, or "".
func (s *Style) message(k Kind) string {
	s.init()
	if k >= kindEnd {
		return ""
	}
	return s.messages[k]
}

// Code returns the style's code, status and title for kind k.
func (s *Style) Code(k Kind) Code { return s.code(k) }

// KindsOf returns the kinds the style answers with code, in catalogue order.
// More than one kind may share a code where the style's page does (DevDocs
// answers every authentication failure with AUTH-401); such a style carries
// a discriminator in its envelope so that Decode can tell them apart.
func (s *Style) KindsOf(code string) []Kind {
	s.init()
	return s.byCode[code]
}

// kindOf resolves a code and an optional reason (a Kind name) to a kind.
func (s *Style) kindOf(code, reason string) Kind {
	ks := s.KindsOf(code)
	if len(ks) == 0 {
		return Unknown
	}
	if len(ks) > 1 && reason != "" {
		if k, ok := ParseKind(reason); ok {
			for _, c := range ks {
				if c == k {
					return k
				}
			}
		}
	}
	return ks[0]
}

// shared reports whether the style answers k with a code another kind uses.
func (s *Style) shared(k Kind) bool {
	s.init()
	return k < kindEnd && s.isShared[k]
}

// The five built-in styles, one file each (style_problem.go, style_gpcn.go,
// style_devdocs.go, style_gcore.go, style_authpi.go) holding the style's
// codes, encoder, parser and schema. Codes and statuses that a provider's
// error page names are used verbatim; the others follow the page's own
// convention and are listed by the style's generated reference page (see
// Reference).

// fieldNames are the member names of one field error in the provider
// styles.
var fieldNames = FieldNames{Field: "field", Pointer: "pointer", In: "in", Rule: "rule", Param: "param", Message: "message"}

// Default is the style Write uses for requests that set none. It is Problem.
// Set it once at start-up, before serving, if every route speaks another.
var Default = problem

// The registry of styles, the built-in ones first.
var (
	registryMu sync.RWMutex
	order      = builtins(problem, gpcn, devdocs, gcore, authpi)
	registry   = byName(order)
)

// builtins marks the styles as the package's own and returns them.
func builtins(styles ...*Style) []*Style {
	for _, s := range styles {
		s.builtin = true
	}
	return styles
}

// byName indexes styles by name.
func byName(styles []*Style) map[string]*Style {
	m := make(map[string]*Style, len(styles))
	for _, s := range styles {
		m[s.Name] = s
	}
	return m
}

// Register makes a style known to StyleNamed and Decode. The built-in styles
// are registered already. Registering a name again replaces the earlier
// style.
func Register(s *Style) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if old, ok := registry[s.Name]; ok {
		for i, o := range order {
			if o == old {
				order = append(order[:i], order[i+1:]...)
				break
			}
		}
	}
	registry[s.Name] = s
	order = append(order, s)
}

// StyleNamed returns the registered style with that name.
func StyleNamed(name string) (*Style, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	s, ok := registry[name]
	return s, ok
}

// Styles returns the registered styles, built-in ones first.
func Styles() []*Style {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return append([]*Style(nil), order...)
}
