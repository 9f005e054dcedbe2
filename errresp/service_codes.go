package errresp

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// ServiceCode is one error code of the service's own, such as "VM_LOCKED":
// declared once with DeclareCodes, it is listed by every style's reference
// (Reference, ReferenceJSON, ReferenceMarkdown, ReferenceHandler) and
// accepted by its schema, and an *Error whose Code it is takes its kind,
// status and title from it (when the error's Kind is unset or the same; its
// own Message and HTTPStatus still win).
type ServiceCode struct {
	// Code is the code as the envelope carries it, in every style.
	Code string `json:"code"`
	// Kind is the catalogue's reason the code refines (Conflict for
	// VM_LOCKED); clients that do not know the code act on the kind.
	Kind Kind `json:"kind"`
	// Status is the HTTP status; 0 means the style's status for Kind.
	Status int `json:"status,omitempty"`
	// Title is a one-line summary; it is the message of an *Error with the
	// code and no message of its own.
	Title string `json:"title"`
	// Description says what the code means, for the reference pages (the
	// meaning of its CodeDoc).
	Description string `json:"description,omitempty"`
	// Causes lists the code's common causes; empty takes the kind's.
	Causes []string `json:"causes,omitempty"`
	// Resolution says what the caller should do; empty takes the kind's.
	Resolution string `json:"resolution,omitempty"`
	// Retry says whether and how to retry; empty takes the kind's.
	Retry string `json:"retry,omitempty"`
}

// catalogue is the service's own part of the references: its codes and the
// kinds it uses. It is replaced whole, never modified, so Write reads it
// without a lock.
type catalogue struct {
	codes  []ServiceCode
	byCode map[string]ServiceCode
	kinds  []Kind // nil: every kind
}

var (
	catalogueMu  sync.Mutex // serialises writers
	catalogueNow atomic.Pointer[catalogue]
)

func currentCatalogue() *catalogue {
	if c := catalogueNow.Load(); c != nil {
		return c
	}
	return emptyCatalogue
}

// emptyCatalogue is the catalogue before any declaration: one value, so
// that the reference pages rendered for it are rendered once.
var emptyCatalogue = &catalogue{}

// DeclareCodes adds the service's own codes to the references and schemas of
// every style. Call it at start-up, before serving. Declaring a code again
// replaces the earlier declaration. It panics when a code is empty, has no
// valid kind, has a status outside 400 to 599 (other than 0), or is one of a
// registered style's own codes for another kind.
func DeclareCodes(codes ...ServiceCode) {
	catalogueMu.Lock()
	defer catalogueMu.Unlock()
	old := currentCatalogue()
	next := &catalogue{byCode: make(map[string]ServiceCode, len(old.byCode)+len(codes)), kinds: old.kinds}
	next.codes = append(next.codes, old.codes...)
	for k, v := range old.byCode {
		next.byCode[k] = v
	}
	for _, c := range codes {
		if c.Code == "" || c.Kind == Unknown || c.Kind >= kindEnd {
			panic(fmt.Sprintf("errresp: DeclareCodes needs a code and a kind, got %q of kind %v", c.Code, c.Kind))
		}
		if c.Status != 0 && (c.Status < 400 || c.Status > 599) {
			panic(fmt.Sprintf("errresp: the status of code %q must be from 400 to 599", c.Code))
		}
		for _, s := range Styles() {
			if ks := s.KindsOf(c.Code); len(ks) > 0 && !slices.Contains(ks, c.Kind) {
				panic(fmt.Sprintf("errresp: code %q is style %s's code for %v", c.Code, s.Name, ks[0]))
			}
		}
		if _, ok := next.byCode[c.Code]; ok {
			next.codes = slices.DeleteFunc(next.codes, func(o ServiceCode) bool { return o.Code == c.Code })
		}
		next.byCode[c.Code] = c
		next.codes = append(next.codes, c)
	}
	catalogueNow.Store(next)
}

// DeclaredCodes returns the codes DeclareCodes declared, in declaration order.
func DeclaredCodes() []ServiceCode {
	return slices.Clone(currentCatalogue().codes)
}

// ReferenceKinds limits every style's reference to the kinds given (and the
// declared codes), so that a service without sign-in does not document
// two-factor failures. Kinds are listed in catalogue order whatever the order
// given. No kinds means every kind, the default. Schemas are not limited:
// they accept every code the library may write.
func ReferenceKinds(kinds ...Kind) {
	catalogueMu.Lock()
	defer catalogueMu.Unlock()
	old := currentCatalogue()
	next := *old
	next.kinds = nil
	if len(kinds) > 0 {
		next.kinds = []Kind{}
		for k := Unknown + 1; k < kindEnd; k++ {
			if slices.Contains(kinds, k) {
				next.kinds = append(next.kinds, k)
			}
		}
	}
	catalogueNow.Store(&next)
}

// declared returns the service's declaration of code.
func declared(code string) (ServiceCode, bool) {
	c := catalogueNow.Load()
	if c == nil || code == "" {
		return ServiceCode{}, false
	}
	sc, ok := c.byCode[code]
	return sc, ok
}

// referenceKinds returns the kinds a reference lists.
func referenceKinds() []Kind {
	if ks := currentCatalogue().kinds; ks != nil {
		return ks
	}
	return Kinds()
}
