package adaptertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// Secret stands for a database's or a panic's text in the adoption tables:
// it must never reach a body.
const Secret = "pq: password authentication failed for user admin"

// AdoptionID is the request id every request of an adoption table sends.
const AdoptionID = "adopt-1"

// CoreRouter is the README's chi stack in style s, with the routes routes
// adds: the core's answer an adapter is compared with.
func CoreRouter(s *errresp.Style, routes func(chi.Router)) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(s))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	routes(r)
	return r
}

// CoreStack is the core's stack in style s around h, on net/http alone.
func CoreStack(s *errresp.Style, h http.Handler) http.Handler {
	return middleware.RequestID()(middleware.Recoverer()(middleware.Style(s)(h)))
}

// Adopted fails t unless got, a framework's answer to one of its own
// failures, is want, the core's answer to the same failure (SameAnswer),
// with status, and, unless kind is Unknown (a handler's own JSON error,
// which the core's interception decides), an envelope of kind carrying
// AdoptionID and nothing of Secret.
func Adopted(t testing.TB, got, want Response, status int, kind errresp.Kind) {
	t.Helper()
	SameAnswer(t, got, want)
	if got.Status != status {
		t.Fatalf("status %d, want %d", got.Status, status)
	}
	if kind == errresp.Unknown {
		return
	}
	d := errresp.DecodeBody(got.Status, got.Header.Get("Content-Type"), []byte(got.Body))
	if d == nil || d.Kind != kind || d.RequestID != AdoptionID {
		t.Fatalf("body %s decodes as %+v, want kind %s with request id %s", got.Body, d, kind, AdoptionID)
	}
	if strings.Contains(got.Body, "password") {
		t.Fatalf("the cause reached the body: %s", got.Body)
	}
}

// ForStyles runs fn as a parallel subtest for each of the five built-in
// styles.
func ForStyles(t *testing.T, fn func(t *testing.T, s *errresp.Style)) {
	t.Helper()
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, s)
		})
	}
}

// Style returns the registered style named name (gpcn, gcore, problem, ...)
// and panics when there is none, so that the adapters' tests name styles
// without depending on how errresp exports the built-in ones.
func Style(name string) *errresp.Style {
	s, ok := errresp.StyleNamed(name)
	if !ok {
		panic("adaptertest: no style " + name)
	}
	return s
}
