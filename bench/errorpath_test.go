package bench

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/render"
	"github.com/labstack/echo/v4"
)

// The failure every implementation renders: a request body whose two fields
// failed validation. The field list is built once, as a validator would have
// built it; each implementation builds its own error value around it on every
// iteration and writes it.
const invalidMessage = "The request body failed validation."

var invalidFields = []errresp.FieldError{
	{Field: "name", Pointer: "/name", Rule: "required", Message: "name is required"},
	{Field: "size", Pointer: "/size", Rule: "max", Param: "64", Message: "size must be at most 64"},
}

// errRenderer renders the two-field failure into w for the request r.
type errRenderer func(w http.ResponseWriter, r *http.Request)

// ErrResponse is go-chi/render's usual error pattern (from chi's REST
// example), with the field list added.
type ErrResponse struct {
	Err            error                `json:"-"`
	HTTPStatusCode int                  `json:"-"`
	StatusText     string               `json:"status"`
	ErrorText      string               `json:"error,omitempty"`
	Fields         []errresp.FieldError `json:"fields,omitempty"`
}

// Render implements render.Renderer.
func (e *ErrResponse) Render(w http.ResponseWriter, r *http.Request) error {
	render.Status(r, e.HTTPStatusCode)
	return nil
}

// echoBody is what an echo handler puts in HTTPError.Message for a
// validation failure.
type echoBody struct {
	Message string               `json:"message"`
	Fields  []errresp.FieldError `json:"fields"`
}

// handBody is the envelope a service writes by hand with encoding/json.
type handBody struct {
	Error   string               `json:"error"`
	Message string               `json:"message"`
	Fields  []errresp.FieldError `json:"fields"`
}

func errorPathImpls() []struct {
	name string
	fn   errRenderer
} {
	type impl = struct {
		name string
		fn   errRenderer
	}
	var impls []impl

	for _, s := range []*errresp.Style{errresp.Problem(), errresp.GPCN(), errresp.DevDocs(), errresp.Gcore(), errresp.AuthPI()} {
		impls = append(impls, impl{"ours-" + s.Name, func(w http.ResponseWriter, r *http.Request) {
			_, _ = errresp.Write(w, r, errresp.NewInvalid(invalidMessage, invalidFields...))
		}})
	}

	impls = append(impls, impl{"render", func(w http.ResponseWriter, r *http.Request) {
		_ = render.Render(w, r, &ErrResponse{
			HTTPStatusCode: http.StatusBadRequest,
			StatusText:     "Invalid request.",
			ErrorText:      invalidMessage,
			Fields:         invalidFields,
		})
	}})

	hapi := humachi.New(chi.NewMux(), huma.DefaultConfig("bench", "1.0.0"))
	hop := &huma.Operation{Method: http.MethodPost, Path: "/v1/vms"}
	herrs := make([]error, len(invalidFields))
	for i, f := range invalidFields {
		herrs[i] = &huma.ErrorDetail{Message: f.Message, Location: "body." + f.Field}
	}
	impls = append(impls, impl{"huma", func(w http.ResponseWriter, r *http.Request) {
		_ = huma.WriteErr(hapi, humachi.NewContext(hop, r, w), http.StatusBadRequest, invalidMessage, herrs...)
	}})

	e := echo.New()
	impls = append(impls, impl{"echo", func(w http.ResponseWriter, r *http.Request) {
		c := e.AcquireContext()
		c.Reset(r, w)
		e.DefaultHTTPErrorHandler(echo.NewHTTPError(http.StatusBadRequest, echoBody{Message: invalidMessage, Fields: invalidFields}), c)
		e.ReleaseContext(c)
	}})

	impls = append(impls, impl{"json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(handBody{Error: "INVALID_REQUEST", Message: invalidMessage, Fields: invalidFields})
	}})
	return impls
}

// errorRequest is the request a failure is written for: through errresp.Begin
// with a request id and the style set, as the middleware leaves it.
func errorRequest(style *errresp.Style) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/vms", nil)
	r.Header.Set("Accept", "application/json")
	_, r = errresp.Begin(httptest.NewRecorder(), r)
	r = errresp.WithRequestID(r, "01J9ZQ4Y7T4C3V2B1N0M9K8J7H")
	return errresp.WithStyle(r, style)
}

// styleForImpl returns the style an "ours-<style>" implementation writes in,
// and Problem for the peers (whose requests carry a style they ignore).
func styleForImpl(impl string) *errresp.Style {
	if name, ok := strings.CutPrefix(impl, "ours-"); ok {
		if s, ok := errresp.StyleNamed(name); ok {
			return s
		}
	}
	return errresp.Problem()
}

// BenchmarkErrorPath writes a two-field validation failure: by errresp.Write
// in each of the five styles, by go-chi/render's ErrResponse pattern, by
// huma's error model, by echo's HTTPError handler and by hand with
// encoding/json. w=discard writes into a minimal ResponseWriter, so the
// figures are the renderer's own; w=recorder into a new
// httptest.ResponseRecorder each time, as a handler test would. body-B is
// the size of the body each writes: ours carry the request id and more
// members, so they write more.
func BenchmarkErrorPath(b *testing.B) {
	impls := errorPathImpls()
	b.Run("w=discard", func(b *testing.B) {
		for _, im := range impls {
			b.Run("impl="+im.name, func(b *testing.B) {
				r := errorRequest(styleForImpl(im.name))
				rc := new(http.Request)
				w := newDiscardWriter()
				b.ReportAllocs()
				for b.Loop() {
					w.reset()
					*rc = *r // render.Status replaces the request's context in place
					im.fn(w, rc)
				}
				if w.status != http.StatusBadRequest {
					b.Fatalf("status %d, want 400", w.status)
				}
				b.ReportMetric(float64(w.n), "body-B")
			})
		}
	})
	b.Run("w=recorder", func(b *testing.B) {
		for _, im := range impls {
			b.Run("impl="+im.name, func(b *testing.B) {
				r := errorRequest(styleForImpl(im.name))
				rc := new(http.Request)
				b.ReportAllocs()
				for b.Loop() {
					*rc = *r
					im.fn(httptest.NewRecorder(), rc)
				}
			})
		}
	})
}

// TestErrorPathImpls checks that every implementation the benchmark compares
// writes the same failure: a 400 whose JSON body names both fields.
func TestErrorPathImpls(t *testing.T) {
	t.Parallel()
	for _, im := range errorPathImpls() {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			im.fn(w, errorRequest(styleForImpl(im.name)))
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", w.Code)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v\n%s", err, w.Body)
			}
			for _, f := range invalidFields {
				if !strings.Contains(w.Body.String(), f.Message) {
					t.Errorf("body lacks %q:\n%s", f.Message, w.Body)
				}
			}
		})
	}
}
