package errresp

import (
	"strings"
	"testing"
)

func TestKindCatalogue(t *testing.T) {
	t.Parallel()
	seen := map[string]Kind{}
	for k := Unknown + 1; k < kindEnd; k++ {
		name := k.String()
		if name == "" || strings.HasPrefix(name, "kind(") {
			t.Errorf("kind %d has no name", k)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("kinds %d and %d share the name %q", prev, k, name)
		}
		seen[name] = k
		if k.Summary() == "" {
			t.Errorf("%s has no summary", k)
		}
		if s := k.Status(); s < 400 || s > 599 {
			t.Errorf("%s: default status %d is not an error status", k, s)
		}
		text, err := k.MarshalText()
		if err != nil {
			t.Fatalf("%s: MarshalText: %v", k, err)
		}
		var back Kind
		if err := back.UnmarshalText(text); err != nil || back != k {
			t.Errorf("%s: text round trip gave %v, %v", k, back, err)
		}
		for _, s := range Styles() {
			if s.Codes != nil {
				if _, ok := s.Codes[k]; !ok {
					t.Errorf("style %s has no code for %s", s.Name, k)
				}
			}
		}
	}
	if len(Kinds()) != int(kindEnd)-1 {
		t.Errorf("Kinds() has %d kinds, want %d", len(Kinds()), kindEnd-1)
	}
	if _, err := Kind(200).MarshalText(); err == nil {
		t.Error("MarshalText of an undefined kind succeeded")
	}
	var k Kind
	if err := k.UnmarshalText([]byte("no_such_kind")); err == nil {
		t.Error("UnmarshalText of an unknown name succeeded")
	}
	if got := Kind(200).String(); got != "kind(200)" {
		t.Errorf("String of undefined kind = %q", got)
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	for k, want := range map[Kind]bool{
		InvalidRequest: false, NotFound: false, QuotaExceeded: false, MethodNotAllowed: false,
		CapacityUnavailable: true, Internal: true, RateLimited: true, Unavailable: true, Timeout: true,
		IdempotencyKeyInvalid: false, IdempotencyKeyInUse: true, IdempotencyKeyReused: false,
	} {
		if k.Retryable() != want {
			t.Errorf("%s.Retryable() = %v", k, !want)
		}
	}
}
