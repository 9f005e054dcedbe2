package idempotency

import (
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", DefaultMaxKeyLength)
	tests := []struct {
		name   string
		values []string
		key    string
		ok     bool
		err    error
	}{
		{"absent", nil, "", false, nil},
		{"sf-string", []string{`"8e03978e-40d5-43e8-bc93-6894a57f9324"`}, "8e03978e-40d5-43e8-bc93-6894a57f9324", true, nil},
		{"bare token", []string{"8e03978e-40d5-43e8-bc93-6894a57f9324"}, "8e03978e-40d5-43e8-bc93-6894a57f9324", true, nil},
		{"spaces around", []string{`  "a b"  `}, "a b", true, nil},
		{"escapes", []string{`"a\"b\\c"`}, `a"b\c`, true, nil},
		{"parameters ignored", []string{`"k";v=1;*x`}, "k", true, nil},
		{"longest", []string{`"` + long + `"`}, long, true, nil},
		{"longest bare", []string{long}, long, true, nil},
		{"too long", []string{`"` + long + `x"`}, "", true, errKeyLong},
		{"too long bare", []string{long + "x"}, "", true, errKeyLong},
		{"empty", []string{""}, "", true, errKeyEmpty},
		{"empty string", []string{`""`}, "", true, errKeyEmpty},
		{"two lines", []string{"a", "b"}, "", true, errKeyMany},
		{"list", []string{`"a", "b"`}, "", true, errKeyMalformed},
		{"bare list", []string{"a,b"}, "", true, errKeyMalformed},
		{"unterminated", []string{`"abc`}, "", true, errKeyMalformed},
		{"bad escape", []string{`"a\nb"`}, "", true, errKeyMalformed},
		{"control", []string{"\"a\x01b\""}, "", true, errKeyMalformed},
		{"non-ASCII", []string{`"é"`}, "", true, errKeyMalformed},
		{"bare space", []string{"a b"}, "", true, errKeyMalformed},
		{"bad parameter", []string{`"k";V=1`}, "", true, errKeyMalformed},
		{"junk after", []string{`"k"x`}, "", true, errKeyMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, ok, err := ParseKey(tt.values, 0)
			if key != tt.key || ok != tt.ok || err != tt.err {
				t.Errorf("ParseKey(%q) = %q, %v, %v; want %q, %v, %v", tt.values, key, ok, err, tt.key, tt.ok, tt.err)
			}
		})
	}
}
