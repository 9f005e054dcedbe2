package ratelimit

import (
	"path"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// pkgPrefix starts the names of this package's functions in stack frames.
var pkgPrefix = reflect.TypeFor[limiter]().PkgPath() + "."

// sites counts the limiters built at each call site, so that limiters built
// by one helper function (or in a loop) get names of their own.
var sites struct {
	sync.Mutex
	n map[string]int
}

// callSite names the place in the service's code that built a limiter: the
// last element of its package path, its file and line ("api/routes.go:42"),
// and "#n" for the n-th limiter built there after the first. It is the same
// in every instance of one build, and across restarts as long as the
// service builds its limiters in the same order, which a service that sets
// up its routes at start-up does.
func callSite() string {
	var pcs [16]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs[:])])
	site := "unknown"
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, pkgPrefix) {
			site = pkgName(f.Function) + "/" + path.Base(f.File) + ":" + strconv.Itoa(f.Line)
			break
		}
		if !more {
			break
		}
	}
	sites.Lock()
	defer sites.Unlock()
	if sites.n == nil {
		sites.n = make(map[string]int)
	}
	sites.n[site]++
	if n := sites.n[site]; n > 1 {
		site += "#" + strconv.Itoa(n)
	}
	return site
}

// limitsID spells what limits count, for a limiter's identity on a shared
// store: each limit's events, period and capacity, whatever its Name, such
// as "60/1m0s/60+1000/24h0m0s/1000".
func limitsID(limits []Limit) string {
	var b strings.Builder
	for i, l := range limits {
		if i > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(l.Events) + "/" + l.Period.String() + "/" + strconv.Itoa(l.Capacity()))
	}
	return b.String()
}

// pkgName is the last element of the package path of a function's full
// name, such as "api" for "example.com/svc/api.routes.func1".
func pkgName(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	rest := fn[slash+1:]
	if dot := strings.IndexByte(rest, '.'); dot >= 0 {
		rest = rest[:dot]
	}
	return rest
}
