package fieldlist

import "testing"

func TestCut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		sep        byte
		elem, rest string
	}{
		{`"a,b";r=0, "c"`, ',', `"a,b";r=0`, ` "c"`},
		{`"a\",b";r=0,x`, ',', `"a\",b";r=0`, `x`},
		{`text/html;q=0.5`, ';', `text/html`, `q=0.5`},
		{`none`, ',', `none`, ``},
		{``, ',', ``, ``},
	}
	for _, tt := range tests {
		if e, r := Cut(tt.in, tt.sep); e != tt.elem || r != tt.rest {
			t.Errorf("Cut(%q, %q) = %q, %q; want %q, %q", tt.in, tt.sep, e, r, tt.elem, tt.rest)
		}
	}
}

// FuzzCut: the element and the rest always rebuild the input.
func FuzzCut(f *testing.F) {
	f.Add(`"default";r=0;t=7, "day";r=90;t=3600`, true)
	f.Add(`a\"b,"c\"d,e"`, false)
	f.Fuzz(func(t *testing.T, s string, comma bool) {
		sep := byte(';')
		if comma {
			sep = ','
		}
		e, r := Cut(s, sep)
		if e != s && e+string(sep)+r != s {
			t.Fatalf("Cut(%q) = %q, %q", s, e, r)
		}
	})
}
