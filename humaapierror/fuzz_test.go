package humaapierror_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/internal/adaptertest"
)

// FuzzErrorOf: huma's error details carry locations built from the
// request (a body's member names, a query parameter's name) and messages;
// whatever they hold, ErrorOf never panics and every style writes valid
// JSON, with the location's field where it names one.
func FuzzErrorOf(f *testing.F) {
	for _, seed := range [][3]string{
		{"body.name", "expected length >= 3", "422"},
		{"body.items[3].tags", "expected array", "422"},
		{"body", "unexpected end of JSON input", "400"},
		{"query.limit", "expected integer", "422"},
		{"body.a/b~c", "</script>\x00\xff", "422"},
		{"", "", "400"},
		{"path.", "x", "404"},
	} {
		f.Add(seed[0], seed[1], seed[2] == "422", seed[2] == "404")
	}
	f.Fuzz(func(t *testing.T, location, message string, validation, notFound bool) {
		status := 400
		switch {
		case validation:
			status = 422
		case notFound:
			status = 404
		}
		e := humaapierror.ErrorOf(status, message, &huma.ErrorDetail{Location: location, Message: message})
		for _, s := range errresp.Styles()[:5] {
			body, code := errresp.Render(s, e, "fuzz-1")
			if !json.Valid(body) || code < 400 {
				t.Fatalf("%s: %d %q", s.Name, code, body)
			}
		}
	})
}

// TestConfigurationPanics: a nil or missing argument is a start-up panic.
func TestConfigurationPanics(t *testing.T) {
	t.Parallel()
	api, _ := newAPI(adaptertest.Style("gpcn"))
	for name, fn := range map[string]func(){
		"Configure(nil)":     func() { humaapierror.Configure(nil) },
		"Describe(nil)":      func() { humaapierror.Describe(nil, adaptertest.Style("gpcn")) },
		"Describe(api, nil)": func() { humaapierror.Describe(api, nil) },
		"Middleware(nil)":    func() { humaapierror.Middleware(nil) },
		"Middleware(unwrap)": func() {
			humaapierror.Middleware(func(huma.Context) (*http.Request, http.ResponseWriter) { return nil, nil })
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}
