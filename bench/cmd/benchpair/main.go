// Command benchpair turns the output of the bench module's benchmarks into
// comparisons of each of ours against each peer of its group.
//
// A benchmark named Benchmark<Group>/<k>=<v>/.../impl=<name> belongs to the
// group Benchmark<Group>/<k>=<v>/...; impl values starting with "ours" are the
// library's and every other value is a peer (or a reference such as bare chi
// or raw x/time/rate).
//
//	benchpair [-summary [-md]] [file ...]
//
// Without -summary it writes the results again in the benchmark format, each
// pair (O, P) as .../ours=O/vs=P/side=ours and .../side=peer, for
//
//	benchstat -col '/side@(peer ours)' pairs.txt
//
// whose "vs base" column is then ours against the peer. With -summary it
// prints one table of medians and their ratios, ours / peer, for time,
// allocated bytes and allocations per operation. It reads standard input
// when no file is named.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
)

func main() {
	summary := flag.Bool("summary", false, "print a table of median ratios instead of paired results")
	markdown := flag.Bool("md", false, "with -summary, print the table as Markdown")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchpair [-summary [-md]] [file ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	var inputs []io.Reader
	var names []string
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		inputs = append(inputs, f)
		names = append(names, name)
	}
	if len(inputs) == 0 {
		inputs, names = []io.Reader{os.Stdin}, []string{"stdin"}
	}
	var results []*benchfmt.Result
	for i, in := range inputs {
		rs, err := read(in, names[i])
		if err != nil {
			fatal(err)
		}
		results = append(results, rs...)
	}
	groups := groupResults(results)
	var err error
	if *summary {
		err = writeSummary(os.Stdout, groups, *markdown)
	} else {
		err = writePairs(os.Stdout, groups)
	}
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchpair:", err)
	os.Exit(1)
}

// read returns every benchmark result in r.
func read(r io.Reader, name string) ([]*benchfmt.Result, error) {
	br := benchfmt.NewReader(r, name)
	var out []*benchfmt.Result
	for br.Scan() {
		if res, ok := br.Result().(*benchfmt.Result); ok {
			out = append(out, res.Clone())
		}
	}
	return out, br.Err()
}

// group is one comparison: the results of every implementation, in the
// order they first appear.
type group struct {
	name  string // the benchmark name without its impl part and GOMAXPROCS
	procs string // the GOMAXPROCS suffix, such as "-2"
	impls []string
	runs  map[string][]*benchfmt.Result
}

func (g *group) ours() []string {
	return slices.DeleteFunc(slices.Clone(g.impls), func(s string) bool { return !isOurs(s) })
}

func (g *group) peers() []string {
	return slices.DeleteFunc(slices.Clone(g.impls), isOurs)
}

func isOurs(impl string) bool { return strings.HasPrefix(impl, "ours") }

// groupResults sorts results into groups by name, leaving out results with
// no impl part.
func groupResults(results []*benchfmt.Result) []*group {
	var groups []*group
	byName := map[string]*group{}
	for _, res := range results {
		base, parts := res.Name.Parts()
		var b strings.Builder
		b.Write(base)
		impl, procs := "", ""
		for _, p := range parts {
			switch {
			case strings.HasPrefix(string(p), "/impl="):
				impl = string(p[len("/impl="):])
			case p[0] == '-':
				procs = string(p)
			default:
				b.Write(p)
			}
		}
		if impl == "" {
			continue
		}
		name := b.String()
		g := byName[name]
		if g == nil {
			g = &group{name: name, procs: procs, runs: map[string][]*benchfmt.Result{}}
			byName[name] = g
			groups = append(groups, g)
		}
		if _, seen := g.runs[impl]; !seen {
			g.impls = append(g.impls, impl)
		}
		g.runs[impl] = append(g.runs[impl], res)
	}
	return groups
}

// writePairs writes every (ours, peer) pair of every group as two renamed
// copies of their results.
func writePairs(w io.Writer, groups []*group) error {
	bw := benchfmt.NewWriter(w)
	for _, g := range groups {
		for _, o := range g.ours() {
			for _, p := range g.peers() {
				prefix := g.name + "/ours=" + o + "/vs=" + p
				for side, impl := range map[string]string{"peer": p, "ours": o} {
					for _, res := range g.runs[impl] {
						c := res.Clone()
						c.Name = benchfmt.Name(prefix + "/side=" + side + g.procs)
						if err := bw.Write(c); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

// units are the measurements the summary compares, and how each is shown;
// one that no result has (server time, reported by the Redis group only) is
// left out of the table.
var units = []unit{
	{"sec/op", "ns/op", 1e9},
	{"B/op", "B/op", 1},
	{"allocs/op", "allocs/op", 1},
	{"server-sec/op", "server ns/op", 1e9},
}

type unit struct {
	unit, title string
	scale       float64
}

// present are the units some result of groups has.
func present(groups []*group) []unit {
	var out []unit
	for _, u := range units {
		found := false
		for _, g := range groups {
			for _, runs := range g.runs {
				if _, ok := median(runs, u.unit); ok {
					found = true
				}
			}
		}
		if found {
			out = append(out, u)
		}
	}
	return out
}

// writeSummary prints, for every (ours, peer) pair, the medians of each unit
// and the ratio ours / peer, aligned as text or as a Markdown table. A group with no result of ours yet is listed as "none",
// with its peers' medians alone.
func writeSummary(w io.Writer, groups []*group, markdown bool) error {
	tw, row := newTable(w, markdown)
	units := present(groups)
	head := []string{"benchmark", "ours", "peer"}
	for _, u := range units {
		head = append(head, "ours "+u.title, "peer "+u.title, "ratio")
	}
	row(head...)
	if markdown {
		rule := make([]string, len(head))
		for i := range rule {
			rule[i] = "---"
		}
		row(rule...)
	}
	for _, g := range groups {
		ours := g.ours()
		if len(ours) == 0 {
			ours = []string{"none"}
		}
		for _, o := range ours {
			for _, p := range g.peers() {
				cells := []string{g.name, o, p}
				for _, u := range units {
					om, ook := median(g.runs[o], u.unit)
					pm, pok := median(g.runs[p], u.unit)
					cells = append(cells, num(om*u.scale, ook), num(pm*u.scale, pok), ratio(om, pm, ook && pok))
				}
				row(cells...)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeAdded(w, groups, markdown)
}

// newTable returns a table writer on w, aligned text or Markdown, and the
// function that adds a row to it.
func newTable(w io.Writer, markdown bool) (*tabwriter.Writer, func(cells ...string)) {
	var tw *tabwriter.Writer
	if markdown {
		tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
	} else {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	}
	return tw, func(cells ...string) {
		if markdown {
			fmt.Fprint(tw, "| ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
}

// reference is the impl a group may have that is its floor, chi with no
// middleware: writeAdded compares what each stack adds to it.
const reference = "bare"

// writeAdded prints, for the groups that have the reference, the time each
// of ours and each peer adds to it (their medians less the reference's) and
// the ratio of what ours adds to what the peer adds.
func writeAdded(w io.Writer, groups []*group, markdown bool) error {
	var with []*group
	for _, g := range groups {
		if _, ok := median(g.runs[reference], "sec/op"); ok && len(g.ours()) > 0 {
			with = append(with, g)
		}
	}
	if len(with) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Time added to %q (medians less its median), ours / peer:\n", reference)
	fmt.Fprintln(w)
	tw, row := newTable(w, markdown)
	row("benchmark", "ours", "peer", "ours added ns/op", "peer added ns/op", "ratio")
	if markdown {
		row("---", "---", "---", "---", "---", "---")
	}
	for _, g := range with {
		ref, _ := median(g.runs[reference], "sec/op")
		for _, o := range g.ours() {
			om, ook := median(g.runs[o], "sec/op")
			for _, p := range g.peers() {
				if p == reference {
					continue
				}
				pm, pok := median(g.runs[p], "sec/op")
				ok := ook && pok
				row(g.name, o, p, num((om-ref)*1e9, ook), num((pm-ref)*1e9, pok), ratio(om-ref, pm-ref, ok))
			}
		}
	}
	return tw.Flush()
}

// median returns the median of unit over runs.
func median(runs []*benchfmt.Result, unit string) (float64, bool) {
	var vs []float64
	for _, r := range runs {
		if v, ok := r.Value(unit); ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, true
}

func num(v float64, ok bool) string {
	switch {
	case !ok:
		return "-"
	case v >= 100 || v == float64(int64(v)):
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func ratio(ours, peer float64, ok bool) string {
	switch {
	case !ok:
		return "-"
	case peer == 0 && ours == 0:
		return "="
	case peer == 0:
		return "inf"
	default:
		return fmt.Sprintf("%.2fx", ours/peer)
	}
}
