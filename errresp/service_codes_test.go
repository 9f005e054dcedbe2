package errresp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// withCatalogue runs f with the service's declarations as f makes them and
// restores the earlier ones afterwards. Tests that call it are not parallel:
// the declarations are process-wide, like Register.
func withCatalogue(t *testing.T, f func()) {
	t.Helper()
	old := catalogueNow.Load()
	defer catalogueNow.Store(old)
	f()
}

var vmLocked = ServiceCode{Code: "VM_LOCKED", Kind: Conflict, Status: 423, Title: "The VM is locked by another operation.",
	Description: "Wait for the running operation to finish, then retry."}

// A service's own code, declared once, round-trips through Write and Decode
// in every style with its kind, status and title, and is listed by /errors
// (ReferenceHandler's JSON, and the Markdown page) and accepted by the
// schema's enum (which bench/schema_test.go checks with a JSON Schema
// validator).
func TestDeclaredCodeRoundTrip(t *testing.T) {
	withCatalogue(t, func() {
		DeclareCodes(vmLocked)
		for _, s := range Styles() {
			if s.Parse == nil {
				continue
			}
			rec := httptest.NewRecorder()
			w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
			r = WithStyle(r, s)
			if _, err := Write(w, r, &Error{Code: "VM_LOCKED"}); err != nil {
				t.Fatal(err)
			}
			body := rec.Body.String()
			if rec.Code != 423 || !strings.Contains(body, `"VM_LOCKED"`) || !strings.Contains(body, vmLocked.Title) {
				t.Errorf("%s: %d %s", s.Name, rec.Code, body)
			}
			e, err := Decode(rec.Result())
			if err != nil || e.Kind != Conflict || e.Code != "VM_LOCKED" || e.HTTPStatus != 423 || e.Message != vmLocked.Title {
				t.Errorf("%s: decoded %+v %v from %s", s.Name, e, err, body)
			}
			// The service's own message still wins over the declared title.
			b, _ := Render(s, &Error{Code: "VM_LOCKED", Message: "vm-7 is being resized"}, "")
			if !bytes.Contains(b, []byte("vm-7 is being resized")) {
				t.Errorf("%s: own message lost: %s", s.Name, b)
			}

			// GET /errors, as a client asks for it, in the request's style.
			get := httptest.NewRequest("GET", "/errors", nil)
			get.Header.Set("Accept", "application/json")
			refRec := httptest.NewRecorder()
			ReferenceHandler().ServeHTTP(refRec, WithStyle(get, s))
			var ref struct {
				Style  string  `json:"style"`
				Errors []Entry `json:"errors"`
			}
			if err := json.Unmarshal(refRec.Body.Bytes(), &ref); err != nil || ref.Style != s.Name {
				t.Fatalf("%s: /errors: %v %s", s.Name, err, refRec.Body)
			}
			last := ref.Errors[len(ref.Errors)-1]
			if last.Code != "VM_LOCKED" || last.Kind != Conflict || last.Status != 423 || last.Description != vmLocked.Description {
				t.Errorf("%s: reference ends with %+v", s.Name, last)
			}
			if md := string(s.ReferenceMarkdown()); !strings.Contains(md, "**VM_LOCKED** (conflict): "+vmLocked.Title+" "+vmLocked.Description) {
				t.Errorf("%s: markdown lacks the code:\n%s", s.Name, md)
			}
			if !slices.Contains(s.codeList(), "VM_LOCKED") {
				t.Errorf("%s: schema enum lacks VM_LOCKED", s.Name)
			}
		}
		if got := DeclaredCodes(); len(got) != 1 || !reflect.DeepEqual(got[0], vmLocked) {
			t.Errorf("DeclaredCodes = %+v", got)
		}
		// Declaring again replaces.
		again := vmLocked
		again.Status = 0
		DeclareCodes(again)
		if got := DeclaredCodes(); len(got) != 1 || got[0].Status != 0 {
			t.Errorf("redeclared: %+v", got)
		}
		if _, st := Render(GPCN(), &Error{Code: "VM_LOCKED"}, ""); st != 409 {
			t.Errorf("status 0 takes the style's status for the kind, got %d", st)
		}
	})
}

func TestDeclareCodesRejects(t *testing.T) {
	withCatalogue(t, func() {
		for name, c := range map[string]ServiceCode{
			"no code":             {Kind: Conflict},
			"no kind":             {Code: "X"},
			"bad status":          {Code: "X", Kind: Conflict, Status: 200},
			"another kind's code": {Code: "RATE_LIMIT_EXCEEDED", Kind: NotFound},
		} {
			mustPanic(t, "DeclareCodes: "+name, func() { DeclareCodes(c) })
		}
	})
}

// ReferenceKinds limits the references to the kinds a service uses; the
// schema still accepts every code.
func TestReferenceKinds(t *testing.T) {
	withCatalogue(t, func() {
		ReferenceKinds(NotFound, InvalidRequest, Internal)
		DeclareCodes(vmLocked)
		var kinds []Kind
		for _, e := range GPCN().Reference() {
			kinds = append(kinds, e.Kind)
		}
		if want := []Kind{InvalidRequest, NotFound, Internal, Conflict}; !slices.Equal(kinds, want) {
			t.Errorf("reference kinds %v, want %v", kinds, want)
		}
		md := string(GPCN().ReferenceMarkdown())
		if strings.Contains(md, "TWO_FACTOR_REQUIRED") || !strings.Contains(md, "| NOT_FOUND |") {
			t.Errorf("markdown not limited:\n%s", md)
		}
		if !slices.Contains(GPCN().codeList(), "TWO_FACTOR_REQUIRED") {
			t.Error("schema enum was limited too")
		}
		ReferenceKinds()
		if n := len(GPCN().Reference()); n != len(Kinds())+1 {
			t.Errorf("unlimited reference has %d entries", n)
		}
	})
}

// mustPanic reports an error when f returns without panicking.
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

// A declared code resolves to its kind wherever the kind is asked for:
// From, KindOf, errors.Is, the observer, and through a wrapper; the kind
// the error carries itself still wins.
func TestDeclaredCodeKindEverywhere(t *testing.T) {
	withCatalogue(t, func() {
		DeclareCodes(vmLocked)
		locked := &Error{Code: "VM_LOCKED"}
		wrapped := fmt.Errorf("resize: %w", locked)
		for name, err := range map[string]error{"bare": locked, "wrapped": wrapped, "in an unkinded error": &Error{Err: locked}} {
			if k := From(err).Kind; k != Conflict {
				t.Errorf("%s: From(...).Kind = %v, want conflict", name, k)
			}
			if k := KindOf(err); k != Conflict {
				t.Errorf("%s: KindOf = %v, want conflict", name, k)
			}
			if !errors.Is(err, &Error{Kind: Conflict}) {
				t.Errorf("%s: errors.Is(conflict) false", name)
			}
		}
		if locked.Kind != Unknown {
			t.Error("From changed the caller's error")
		}
		if k := KindOf(&Error{Kind: Gone, Code: "VM_LOCKED"}); k != Gone {
			t.Errorf("an own kind lost to the declaration: %v", k)
		}
		if k := KindOf(&Error{Code: "NOT_DECLARED"}); k != Internal {
			t.Errorf("an undeclared code: %v, want internal", k)
		}
		var seen Kind
		var seenStatus int
		w, r := Begin(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		r = WithObserver(r, func(_ *http.Request, e *Error, status int) { seen, seenStatus = e.Kind, status })
		if _, err := Write(w, r, wrapped); err != nil {
			t.Fatal(err)
		}
		if seen != Conflict || seenStatus != 423 {
			t.Errorf("observer saw %v %d, want conflict 423", seen, seenStatus)
		}
	})
}
