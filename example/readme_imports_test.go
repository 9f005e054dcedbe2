package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readmeImports splits a README Go block into its import block and the code
// after it, and checks the import block: each of its imports is one of
// mount_test.go's (so it compiles there), and the code uses every package it
// imports and imports every package it uses. names maps an import name of
// mount_test.go to its path.
func readmeImports(t *testing.T, b block, names map[string]string) (code string) {
	t.Helper()
	src := strings.Join(b.lines, "\n")
	if !strings.HasPrefix(src, "import (\n") {
		t.Errorf("this README block does not open with its imports:\n%s", src)
		return src
	}
	imports, code, ok := strings.Cut(src, "\n)\n\n")
	if !ok {
		t.Errorf("this README block's imports are not followed by a blank line:\n%s", src)
		return src
	}
	f, err := parser.ParseFile(token.NewFileSet(), "README.md", "package main\n\n"+src, 0)
	if err != nil {
		t.Errorf("README block: %v\n%s", err, imports)
		return code
	}
	imported := map[string]bool{}
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		name := ""
		for n, p := range names {
			if p == path && (spec.Name == nil || spec.Name.Name == n) {
				name = n
			}
		}
		if name == "" {
			t.Errorf("README block imports %s, which mount_test.go does not import under that name", spec.Path.Value)
			continue
		}
		imported[name] = true
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && names[x.Name] != "" {
				used[x.Name] = true
			}
		}
		return true
	})
	for name := range used {
		if !imported[name] {
			t.Errorf("README block uses %s without importing %s:\n%s", name, names[name], src)
		}
	}
	for name := range imported {
		if !used[name] {
			t.Errorf("README block imports %s without using it:\n%s", names[name], src)
		}
	}
	return code
}

// mountImports maps each import name of mount_test.go to its path.
func mountImports(t *testing.T, src []byte) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "mount_test.go", src, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		} else if majorVersion.MatchString(name) {
			// github.com/go-chi/chi/v5 is chi, github.com/redis/go-redis/v9 redis.
			elems := strings.Split(path, "/")
			name = strings.TrimPrefix(elems[len(elems)-2], "go-")
		}
		names[name] = path
	}
	return names
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// checkModulePath fails t unless mod, a go get argument, names the module
// at the repository's root or one in a directory of it (without a version).
func checkModulePath(t *testing.T, mod string) {
	t.Helper()
	dir, ok := strings.CutPrefix(mod, "github.com/apierror/apierror")
	if !ok || strings.Contains(mod, "@") {
		t.Errorf("go get %s: not a module of this repository", mod)
		return
	}
	b, err := os.ReadFile(filepath.Join("..", dir, "go.mod"))
	if err != nil || !strings.HasPrefix(string(b), "module "+mod+"\n") {
		t.Errorf("go get %s: no go.mod of that module (%v)", mod, err)
	}
}
