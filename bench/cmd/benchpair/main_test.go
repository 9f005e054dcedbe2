package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
BenchmarkX/k=a/impl=ours-2   	100	  10.0 ns/op	   0 B/op	  0 allocs/op
BenchmarkX/k=a/impl=peer1-2  	100	  40.0 ns/op	  16 B/op	  1 allocs/op
BenchmarkX/k=a/impl=peer2-2  	100	  20.0 ns/op	  32 B/op	  2 allocs/op
BenchmarkX/k=a/impl=ours-2   	100	  30.0 ns/op	   0 B/op	  0 allocs/op
BenchmarkX/k=a/impl=peer1-2  	100	  60.0 ns/op	  16 B/op	  1 allocs/op
BenchmarkX/k=a/impl=peer2-2  	100	  20.0 ns/op	  32 B/op	  2 allocs/op
BenchmarkY/impl=peer1-2      	100	  50.0 ns/op
BenchmarkZ-2                 	100	  50.0 ns/op
`

func TestGroupResults(t *testing.T) {
	t.Parallel()
	rs, err := read(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	groups := groupResults(rs)
	if len(groups) != 2 {
		t.Fatalf("%d groups, want 2 (BenchmarkZ has no impl)", len(groups))
	}
	g := groups[0]
	if g.name != "X/k=a" || g.procs != "-2" {
		t.Errorf("group %q procs %q", g.name, g.procs)
	}
	if got := strings.Join(g.ours(), ","); got != "ours" {
		t.Errorf("ours %q", got)
	}
	if got := strings.Join(g.peers(), ","); got != "peer1,peer2" {
		t.Errorf("peers %q", got)
	}
	if len(g.runs["ours"]) != 2 {
		t.Errorf("%d runs of ours, want 2", len(g.runs["ours"]))
	}
}

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	rs, err := read(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeSummary(&buf, groupResults(rs), false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		// medians: ours 20 ns, peer1 50 ns, peer2 20 ns
		"X/k=a  ours  peer1  20  50  0.40x  0  16  0.00x  0  1  0.00x",
		"X/k=a  ours  peer2  20  20  1.00x  0  32  0.00x  0  2  0.00x",
		"Y  none  peer1  -  50  -",
	} {
		if !strings.Contains(squeeze(out), want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestWritePairs(t *testing.T) {
	t.Parallel()
	rs, err := read(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writePairs(&buf, groupResults(rs)); err != nil {
		t.Fatal(err)
	}
	back, err := read(&buf, "pairs")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range back {
		count[r.Name.String()]++
	}
	for name, n := range map[string]int{
		"X/k=a/ours=ours/vs=peer1/side=ours-2": 2,
		"X/k=a/ours=ours/vs=peer1/side=peer-2": 2,
		"X/k=a/ours=ours/vs=peer2/side=ours-2": 2,
		"X/k=a/ours=ours/vs=peer2/side=peer-2": 2,
	} {
		if count[name] != n {
			t.Errorf("%s: %d results, want %d (all: %v)", name, count[name], n, count)
		}
	}
	if len(back) != 8 {
		t.Errorf("%d results, want 8 (a group with no ours gives no pairs)", len(back))
	}
}

// squeeze collapses runs of spaces, so the test does not depend on the
// table's column widths.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "  ") }

func TestWriteSummaryMarkdown(t *testing.T) {
	t.Parallel()
	rs, err := read(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeSummary(&buf, groupResults(rs), true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want header, rule and 3 rows:\n%s", len(lines), buf.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "| ") || !strings.HasSuffix(l, "|") || strings.Count(l, "|") != 13 {
			t.Errorf("not a 12-column Markdown row: %q", l)
		}
	}
	if got := squeeze(strings.ReplaceAll(lines[2], "|", " ")); got != squeeze("X/k=a ours peer1 20 50 0.40x 0 16 0.00x 0 1 0.00x") {
		t.Errorf("first row %q", got)
	}
}
