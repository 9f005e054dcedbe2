package validation

import (
	"reflect"
	"strings"
	"sync"
	"unicode"
)

// How encoding/json v2 names the fields of a struct, worked out once a type
// and kept: the decode step's failure path (mismatch) looks members up here.

// memberTable is how encoding/json v2 names a struct's fields.
type memberTable struct {
	exact    map[string]member
	folded   map[string]member // by foldName
	catchAll bool              // a field takes unknown members (",unknown" or an inlined map)
}

type member struct {
	name   string
	typ    reflect.Type
	quoted bool
	nocase bool
	depth  int
	tagged bool
}

var memberTables sync.Map // reflect.Type -> *memberTable

func membersOf(t reflect.Type) *memberTable {
	if v, ok := memberTables.Load(t); ok {
		return v.(*memberTable)
	}
	tab := &memberTable{exact: map[string]member{}, folded: map[string]member{}}
	ambiguous := map[string]bool{}
	tab.collect(t, 0, ambiguous, map[reflect.Type]bool{})
	for name, f := range tab.exact {
		if ambiguous[name] {
			delete(tab.exact, name)
			continue
		}
		tab.folded[foldName(name)] = f
	}
	v, _ := memberTables.LoadOrStore(t, tab)
	return v.(*memberTable)
}

// collect adds t's fields at depth, inlining embedded structs as v2 does: a
// field at a shallower depth wins, then a tagged one; two alike are
// ambiguous and neither is used.
func (tab *memberTable) collect(t reflect.Type, depth int, ambiguous map[string]bool, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		has := func(o string) bool { return strings.Contains(","+opts+",", ","+o+",") }
		switch {
		case has("unknown"):
			tab.catchAll = true
			continue
		case has("inline") || sf.Anonymous && name == "" && ft.Kind() == reflect.Struct && !isScalar(ft):
			if ft.Kind() == reflect.Struct {
				tab.collect(ft, depth+1, ambiguous, seen)
			} else {
				tab.catchAll = true
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		f := member{name: name, typ: sf.Type, quoted: has("string"), nocase: has("case:ignore") || has("nocase"), depth: depth, tagged: name != ""}
		if name == "" {
			f.name = sf.Name
		}
		old, ok := tab.exact[f.name]
		switch {
		case !ok || f.depth < old.depth || f.depth == old.depth && f.tagged && !old.tagged:
			tab.exact[f.name] = f
			delete(ambiguous, f.name)
		case f.depth == old.depth && f.tagged == old.tagged:
			ambiguous[f.name] = true
		}
	}
}

// lookup finds the field a member name decodes into; fold matches regardless
// of case, as WithCaseInsensitiveNames asks.
func (tab *memberTable) lookup(name string, fold bool) (member, bool) {
	if f, ok := tab.exact[name]; ok {
		return f, true
	}
	f, ok := tab.folded[foldName(name)]
	return f, ok && (fold || f.nocase)
}

// foldName folds a name as encoding/json v1 matched struct fields: letters
// to one case, by Unicode simple folding.
func foldName(s string) string {
	return strings.Map(foldRune, s)
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
