package browsertest

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var writeReadme = flag.Bool("readme", false, "also write the README's screenshot of the reference page (docs/reference-page.png)")

// browserNames are the binaries tried, in order: Debian's packages
// chromium-headless-shell and chromium.
var browserNames = []string{"chromium-headless-shell", "chromium", "chromium-browser"}

// browserPath returns the headless browser to drive, or skips the test
// (fails it when CI is set) naming the binaries it looked for.
func browserPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BROWSERTEST_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range browserNames {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := "no headless browser: none of " + strings.Join(browserNames, ", ") +
		" is on PATH (Debian: apt-get install chromium-headless-shell)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless browser with a fresh profile for the test
// and returns its context; the browser is stopped when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := browserPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	// No deadline here: it would stop the browser, and building the example
	// with a toolchain whose cache is cold can take minutes. go test's
	// -timeout bounds the run.
	ctx, cancel := context.WithCancel(context.Background())
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		cancel()
		t.Fatalf("starting %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	return bctx
}

// tab is one browser tab whose console, errors and requests are recorded.
type tab struct {
	ctx context.Context

	mu       sync.Mutex
	requests []string // URLs of every request the page made
	problems []string // console errors and warnings, exceptions, log entries
}

// newTab opens a tab in the browser of parent.
func newTab(t *testing.T, parent context.Context) *tab {
	t.Helper()
	tb := &tab{}
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithListener(tb.record))
	t.Cleanup(cancel)
	tb.ctx = ctx
	for _, err := range []error{
		call(ctx, network.Enable, network.EnableParams{}),
		call(ctx, runtime.Enable, cdp.Empty{}),
		call(ctx, log.Enable, cdp.Empty{}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

// record keeps the events that tell what the page did.
func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning ||
			ev.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.problems = append(tb.problems, "console."+string(ev.Type)+": "+consoleText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		tb.problems = append(tb.problems, "exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			tb.problems = append(tb.problems, "log "+string(ev.Entry.Source)+": "+ev.Entry.Text)
		}
	}
}

// call sends one protocol command to the tab of ctx.
func call[P, R any](ctx context.Context, cmd cdp.Command[P, R], params P) error {
	_, err := chromedp.Call(ctx, cmd, params)
	return err
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if len(a.Value) > 0 {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// peek returns the requests and problems seen so far.
func (tb *tab) peek() (requests, problems []string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Clone(tb.requests), slices.Clone(tb.problems)
}

// recorded returns the requests and problems seen so far, and forgets them.
func (tb *tab) recorded() (requests, problems []string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	requests, problems = tb.requests, tb.problems
	tb.requests, tb.problems = nil, nil
	return requests, problems
}

// do runs actions in the tab, failing the test on an error.
func (tb *tab) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := tb.bounded()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// bounded returns the tab's context with a deadline for one step: a page
// that hangs fails its test instead of the whole run. (The tab has run
// once when newTab returns, so the deadline ends only the step.)
func (tb *tab) bounded() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, time.Minute)
}

// send sends one protocol command to the tab, failing the test on an error.
func send[P, R any](t *testing.T, tb *tab, cmd cdp.Command[P, R], params P) {
	t.Helper()
	ctx, cancel := tb.bounded()
	defer cancel()
	if err := call(ctx, cmd, params); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page, awaiting a promise,
// and decodes its value.
func eval[T any](t *testing.T, tb *tab, js string) T {
	t.Helper()
	ctx, cancel := tb.bounded()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", js, err)
	}
	return v
}

// artifacts returns the folder screenshots are written to.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BROWSERTEST_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot writes the tab's viewport as name.png to the artifacts folder
// and returns the image.
func (tb *tab) screenshot(t *testing.T, name string) []byte {
	t.Helper()
	ctx, cancel := tb.bounded()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(artifacts(t), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", p, len(png))
	return png
}
