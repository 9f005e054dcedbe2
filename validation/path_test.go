package validation

import (
	"reflect"
	"testing"

	"github.com/apierror/apierror/internal/jsonv2"
)

func TestPathOf(t *testing.T) {
	t.Parallel()
	type withAny struct {
		X any            `json:"x"`
		M map[string]any `json:"m"`
	}
	tests := []struct {
		typ       reflect.Type
		ptr       string
		path, ref string
	}{
		{reflect.TypeFor[order](), "/items/1/qty", "items[1].qty", "/items/1/qty"},
		{reflect.TypeFor[order](), "/counts/a", "counts[a]", "/counts/a"},
		{reflect.TypeFor[order](), "/labels/1", "labels[1]", "/labels/1"},
		{reflect.TypeFor[order](), "/ship/country", "ship.country", "/ship/country"},
		{reflect.TypeFor[order](), "/nowhere/2/x", "nowhere[2].x", "/nowhere/2/x"},
		{reflect.TypeFor[withAny](), "/x/0/a~1b", "x[0].a/b", "/x/0/a~1b"},
		{reflect.TypeFor[withAny](), "/m/k/01", "m[k].01", "/m/k/01"},
		{nil, "/a/3", "a[3]", "/a/3"},
		{reflect.TypeFor[order](), "", "", ""},
	}
	for _, tc := range tests {
		p := pathOf(tc.typ, jsonv2.Pointer(tc.ptr), false)
		if got := [2]string{fieldPath(p), pointer(p)}; got != [2]string{tc.path, tc.ref} {
			t.Errorf("%v %q: %q, want %q %q", tc.typ, tc.ptr, got, tc.path, tc.ref)
		}
	}
}
