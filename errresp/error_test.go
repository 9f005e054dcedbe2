package errresp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestFrom(t *testing.T) {
	t.Parallel()
	notFound := New(NotFound, "no such vm")
	tests := []struct {
		name string
		err  error
		kind Kind
		msg  string
	}{
		{"plain", errors.New("x"), Internal, ""},
		{"deadline", context.DeadlineExceeded, Timeout, ""},
		{"wrapped deadline", fmt.Errorf("calling: %w", context.DeadlineExceeded), Timeout, ""},
		{"canceled", context.Canceled, Canceled, ""},
		{"max bytes", &http.MaxBytesError{Limit: 65536}, PayloadTooLarge, "The request body is larger than the limit of 65536 bytes."},
		{"wrapped error", fmt.Errorf("handler: %w", notFound), NotFound, "no such vm"},
		{"unkinded wrapper", &Error{Message: "outer", Err: notFound}, NotFound, "outer"},
		{"handler timeout", http.ErrHandlerTimeout, Timeout, ""},
		{"not supported", fmt.Errorf("flush: %w", http.ErrNotSupported), NotImplemented, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := From(tt.err)
			if e.Kind != tt.kind || e.Message != tt.msg {
				t.Errorf("From = %s %q, want %s %q", e.Kind, e.Message, tt.kind, tt.msg)
			}
			var inner *Error
			if errors.As(tt.err, &inner) {
				if !errors.Is(e, notFound) {
					t.Errorf("the inner *Error is lost")
				}
			} else if !errors.Is(e, tt.err) {
				t.Errorf("the cause is not reachable through Unwrap")
			}
		})
	}
	if e := From(fmt.Errorf("x: %w", &Error{Kind: Gone, HTTPStatus: 410})); e.Kind != Gone || e.Status(GPCN()) != 410 {
		t.Errorf("own status lost through a wrapper: %+v", e)
	}
	if From(nil) != nil || KindOf(nil) != Unknown || KindOf(errors.New("x")) != Internal {
		t.Error("From(nil) / KindOf")
	}
	if !New(RateLimited, "").Retryable() || New(NotFound, "").Retryable() || !(&Error{}).Retryable() {
		t.Error("(*Error).Retryable")
	}
	if KindOf(fmt.Errorf("a: %w", fmt.Errorf("b: %w", notFound))) != NotFound {
		t.Error("KindOf through two wrappers")
	}
}

func TestIsAndAs(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("handler: %w", Wrap(Conflict, errors.New("unique violation"), "name taken"))
	if !errors.Is(err, &Error{Kind: Conflict}) {
		t.Error("Is by kind")
	}
	if errors.Is(err, &Error{Kind: NotFound}) {
		t.Error("Is matched another kind")
	}
	if !errors.Is(err, &Error{Kind: Conflict, Message: "name taken"}) || errors.Is(err, &Error{Message: "other"}) {
		t.Error("Is by message")
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != Conflict {
		t.Error("As")
	}
	if !strings.Contains(err.Error(), "conflict: name taken: unique violation") {
		t.Errorf("Error() = %q", err.Error())
	}
	if (&Error{Kind: NotFound}).Error() != "not_found" {
		t.Error("Error() without message")
	}
	if New(Conflict, "x").Status(nil) != 409 || New(Conflict, "x").Status(Gcore()) != 409 || (&Error{}).Status(GPCN()) != 500 {
		t.Error("Status")
	}
}

func TestCodeOverride(t *testing.T) {
	t.Parallel()
	e := &Error{Kind: Conflict, Code: "VM_LOCKED", Message: "locked"}
	for _, s := range Styles() {
		body, status := Render(s, e, "")
		if status != 409 || !strings.Contains(string(body), `"VM_LOCKED"`) {
			t.Errorf("%s: %d %s", s.Name, status, body)
		}
		d := DecodeBody(status, s.ContentType, body)
		if d.Kind != Conflict || d.Code != "VM_LOCKED" {
			t.Errorf("%s: decoded %s %q", s.Name, d.Kind, d.Code)
		}
	}
}
