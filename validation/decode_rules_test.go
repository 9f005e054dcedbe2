package validation

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestDecodeUnknownAndRules checks that one answer lists a body's unknown
// members and its failed rules together, within the limit on how many.
func TestDecodeUnknownAndRules(t *testing.T) {
	t.Parallel()
	var many strings.Builder
	for i := range 60 {
		fmt.Fprintf(&many, `"x%02d":1,`, i)
	}
	tests := []struct {
		name   string
		dec    *Decoder
		body   string
		msg    string
		fields []string
		more   any // the info member more_invalid_fields
	}{
		{name: "unknown member, missing name, negative size", body: `{"size":-1,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","colour":"red"}`,
			msg: "3 fields are invalid: colour, name, size.", fields: []string{"colour unknown", "name required", "size min"}},
		{name: "unknown members deep and on top", body: `{"colour":"red","extra":{"a":1},"name":"W!","size":4,"region":"mars","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`,
			msg: "4 fields are invalid: colour, extra, name, region.", fields: []string{"colour unknown", "extra unknown", "name min", "region oneof"}},
		{name: "only unknown members, rules pass", body: `{"colour":"red",` + goodVM[1:],
			msg: "colour is not a known field", fields: []string{"colour unknown"}},
		{name: "a value of the wrong type: rules are not run", body: `{"colour":"red","size":"four"}`,
			msg: "2 fields are invalid: colour, size.", fields: []string{"colour unknown", "size type"}},
		{name: "limit across both", dec: New(WithMaxFieldErrors(3), WithRule("vmname", Match(`[a-z0-9-]+`), "")), body: `{"a":1,"b":2}`,
			msg: "6 fields are invalid: a, b, name and 3 more.", fields: []string{"a unknown", "b unknown", "name required"}, more: 3},
		{name: "unknown members past the limit: rules are not run", body: "{" + many.String() + `"name":"W!"}`,
			msg: "60 fields are invalid", fields: nil, more: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.dec
			if d == nil {
				d = vmDecoder
			}
			var dst createVM
			err := d.Decode(jsonRequest(tc.body), &dst)
			e := asError(t, err)
			checkStyles(t, err, 400, tc.msg)
			got := fieldsOf(e)
			if tc.fields != nil && !slices.Equal(got, tc.fields) {
				t.Errorf("fields %q, want %q", got, tc.fields)
			}
			if tc.fields == nil && (len(got) != DefaultMaxFieldErrors || slices.ContainsFunc(got, func(f string) bool { return !strings.HasSuffix(f, " unknown") })) {
				t.Errorf("fields %q, want the first %d unknown members", got, DefaultMaxFieldErrors)
			}
			if m := e.Info["more_invalid_fields"]; fmt.Sprint(m) != fmt.Sprint(tc.more) && (m != nil || tc.more != nil) {
				t.Errorf("more_invalid_fields %v, want %v", m, tc.more)
			}
		})
	}
	t.Run("WithMaxFieldErrors panics on a non-positive limit", func(t *testing.T) {
		t.Parallel()
		defer func() {
			if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "WithMaxFieldErrors") {
				t.Errorf("panic %v, want one naming WithMaxFieldErrors", p)
			}
		}()
		WithMaxFieldErrors(0)
	})
}
