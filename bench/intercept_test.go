package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// The interception of foreign error responses: what a handler that calls
// http.Error costs when the library turns its answer into an envelope, and
// what the interception adds to a success.

const interceptPath = "/v1/items/42"

// legacyConflict is a handler that knows nothing of the library.
func legacyConflict(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "That name is taken.", http.StatusConflict)
}

// interceptStack is chi with mws, serving h on interceptPath.
func interceptStack(h http.HandlerFunc, mws ...func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(mws...)
	r.Get(successRoute, h)
	return r
}

// readmeStack is the README's stack in the GPCN style.
var readmeStack = []func(http.Handler) http.Handler{middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN())}

// interceptImpls are the stacks BenchmarkIntercept compares, by case.
//
//   - case=http-error: the bare http.Error behind chi ("bare"), behind chi's
//     RequestID and Recoverer ("chi-mw"), and behind the README's stack,
//     which answers it with an envelope ("ours").
//   - case=success: the success handler behind the README's stack with the
//     interception on (the default, "ours") and turned off for the route
//     ("ours-off", Intercept(false), one middleware more), beside chi's pair.
func interceptImpls() map[string][]namedHandler {
	return map[string][]namedHandler{
		"http-error": {
			{"bare", interceptStack(legacyConflict)},
			{"chi-mw", interceptStack(legacyConflict, chimw.RequestID, chimw.Recoverer)},
			{"ours", interceptStack(legacyConflict, readmeStack...)},
		},
		"success": {
			{"chi-mw", interceptStack(itemHandler, chimw.RequestID, chimw.Recoverer)},
			{"ours", interceptStack(itemHandler, readmeStack...)},
			{"ours-off", interceptStack(itemHandler, append(readmeStack[:3:3], middleware.Intercept(false))...)},
		},
	}
}

// BenchmarkIntercept serves one request through each stack of each case,
// with a reused request and a minimal ResponseWriter.
func BenchmarkIntercept(b *testing.B) {
	impls := interceptImpls()
	for _, c := range []string{"http-error", "success"} {
		b.Run("case="+c, func(b *testing.B) {
			for _, s := range impls[c] {
				b.Run("impl="+s.name, func(b *testing.B) {
					r := httptest.NewRequest(http.MethodGet, interceptPath, nil)
					w := newDiscardWriter()
					b.ReportAllocs()
					for b.Loop() {
						w.reset()
						s.h.ServeHTTP(w, r)
					}
					b.ReportMetric(float64(w.n), "body-B")
				})
			}
		})
	}
}

// TestInterceptImpls checks what each stack of BenchmarkIntercept answers:
// the bare http.Error's text, or the library's envelope in its place.
func TestInterceptImpls(t *testing.T) {
	t.Parallel()
	for c, stacks := range interceptImpls() {
		for _, s := range stacks {
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, interceptPath, nil))
			body := w.Body.String()
			switch {
			case c == "success":
				if w.Code != 200 || body != string(successBody) {
					t.Errorf("%s/%s: %d %q", c, s.name, w.Code, body)
				}
			case strings.HasPrefix(s.name, "ours"):
				if w.Code != 409 || !strings.HasPrefix(body, `{"success":false,"error":"CONFLICT","message":"That name is taken."`) {
					t.Errorf("%s/%s: %d %q", c, s.name, w.Code, body)
				}
			default:
				if w.Code != 409 || body != "That name is taken.\n" {
					t.Errorf("%s/%s: %d %q", c, s.name, w.Code, body)
				}
			}
		}
	}
}
