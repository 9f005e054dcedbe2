// Package browsertest checks the error reference pages (errresp's
// ReferenceHTML, as the example serves them) in a real headless Chromium,
// driven with chromedp: for each style the page loads with no console
// error and no request beyond itself, has an entry for every code, reads
// the provider pages' words verbatim, works without JavaScript, passes
// axe-core's checks, and a problem's type opens its entry. It is a module
// of its own so that chromedp is no dependency of the library.
//
// The tests need chromium-headless-shell or chromium (Debian packages of
// those names); without either they skip, unless CI is set. Screenshots of
// each page are written to $BROWSERTEST_ARTIFACTS (default: the artifacts
// folder beside this file); -readme also writes the README's screenshot.
package browsertest
