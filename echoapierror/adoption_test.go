package echoapierror_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v5"
	echomw "github.com/labstack/echo/v5/middleware"

	"github.com/apierror/apierror/echoapierror"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/validation"
)

// item is the body the binding rows decode.
type item struct {
	Name string `json:"name" validate:"required,min=3"`
	Size int    `json:"size" validate:"min=1"`
}

const secret = adaptertest.Secret

// adoption is one row of the adoption table: one of echo's own producers of
// a failure, and the net/http code the core answers for the same failure.
type adoption struct {
	name         string
	method, path string
	body         string
	echo         func(e *echo.Echo)
	chi          func(r chi.Router)
	core         http.Handler // instead of chi: the core's stack around this handler
	status       int
	kind         errresp.Kind // the envelope's kind
}

func adoptionRows() []adoption {
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(append(b, '\n'))
	}
	returning := func(err error) http.Handler {
		return middleware.Handler(func(http.ResponseWriter, *http.Request) error { return err })
	}
	decode := middleware.Handler(func(w http.ResponseWriter, r *http.Request) error { return validation.Decode(r, new(item)) })
	taken := errresp.New(errresp.Conflict, "That name is taken.")
	ok := func(c *echo.Context) error { return c.NoContent(http.StatusOK) }
	return []adoption{
		{name: "404 no route", method: "GET", path: "/nowhere",
			echo: func(e *echo.Echo) { e.GET("/items", ok) },
			chi:  func(r chi.Router) { r.Get("/items", func(http.ResponseWriter, *http.Request) {}) }, status: 404, kind: errresp.NotFound},
		{name: "405 with Allow", method: "PUT", path: "/items",
			echo: func(e *echo.Echo) { e.GET("/items", ok) },
			// The core's answer to a 405 whose router set Allow as echo does
			// (chi's own would list the methods in another order).
			core: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Allow", "OPTIONS, GET")
				middleware.MethodNotAllowed(w, r)
			}),
			status: 405, kind: errresp.MethodNotAllowed},
		{name: "c.Bind bad fields", method: "POST", path: "/items", body: `{"name":"ab","size":0}`,
			echo:   func(e *echo.Echo) { e.POST("/items", func(c *echo.Context) error { return c.Bind(new(item)) }) },
			chi:    func(r chi.Router) { r.Method("POST", "/items", decode) },
			status: 400, kind: errresp.InvalidRequest},
		{name: "c.Bind syntax error", method: "POST", path: "/items", body: `{"name":`,
			echo:   func(e *echo.Echo) { e.POST("/items", func(c *echo.Context) error { return c.Bind(new(item)) }) },
			chi:    func(r chi.Router) { r.Method("POST", "/items", decode) },
			status: 400, kind: errresp.InvalidRequest},
		{name: "c.Bind unknown field", method: "POST", path: "/items", body: `{"name":"abc","size":1,"colour":"red"}`,
			echo:   func(e *echo.Echo) { e.POST("/items", func(c *echo.Context) error { return c.Bind(new(item)) }) },
			chi:    func(r chi.Router) { r.Method("POST", "/items", decode) },
			status: 400, kind: errresp.InvalidRequest},
		{name: "panic, recovered by the stack", method: "GET", path: "/panic",
			echo:   func(e *echo.Echo) { e.GET("/panic", func(*echo.Context) error { panic(secret) }) },
			chi:    func(r chi.Router) { r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic(secret) }) },
			status: 500, kind: errresp.Internal},
		{name: "echo's Recover below the stack", method: "GET", path: "/panic",
			echo: func(e *echo.Echo) {
				e.GET("/panic", func(*echo.Context) error { panic(secret) }, echomw.Recover())
			},
			chi:    func(r chi.Router) { r.Method("GET", "/panic", returning(errors.New(secret))) },
			status: 500, kind: errresp.Internal},
		{name: "echo.ErrUnauthorized", method: "GET", path: "/admin",
			echo: func(e *echo.Echo) {
				e.GET("/admin", func(c *echo.Context) error {
					c.Response().Header().Set("WWW-Authenticate", `Bearer realm="api"`)
					return echo.ErrUnauthorized
				})
			},
			chi: func(r chi.Router) {
				r.Get("/admin", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
					w.WriteHeader(401)
				})
			},
			status: 401, kind: errresp.NotAuthenticated},
		{name: "echo.NewHTTPError(404, text)", method: "GET", path: "/items/2",
			echo: func(e *echo.Echo) {
				e.GET("/items/:id", func(c *echo.Context) error { return echo.NewHTTPError(404, "item 2 not found") })
			},
			chi: func(r chi.Router) {
				r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "item 2 not found", 404) })
			},
			status: 404, kind: errresp.NotFound},
		{name: "echo.ErrNotFound from a handler", method: "GET", path: "/items/3",
			echo: func(e *echo.Echo) { e.GET("/items/:id", func(c *echo.Context) error { return echo.ErrNotFound }) },
			chi: func(r chi.Router) {
				r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
			},
			status: 404, kind: errresp.NotFound},
		{name: "wrapped echo.ErrForbidden", method: "GET", path: "/acl",
			echo: func(e *echo.Echo) {
				e.GET("/acl", func(c *echo.Context) error { return echo.ErrForbidden.Wrap(errors.New(secret)) })
			},
			chi:    func(r chi.Router) { r.Get("/acl", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }) },
			status: 403, kind: errresp.PermissionDenied},
		{name: "an *errresp.Error returned", method: "POST", path: "/items",
			echo:   func(e *echo.Echo) { e.POST("/items", func(c *echo.Context) error { return taken }) },
			chi:    func(r chi.Router) { r.Method("POST", "/items", returning(taken)) },
			status: 409, kind: errresp.Conflict},
		{name: "a plain error returned", method: "GET", path: "/report",
			echo:   func(e *echo.Echo) { e.GET("/report", func(c *echo.Context) error { return errors.New(secret) }) },
			chi:    func(r chi.Router) { r.Method("GET", "/report", returning(errors.New(secret))) },
			status: 500, kind: errresp.Internal},
		{name: "c.String(404, text)", method: "GET", path: "/files/x",
			echo: func(e *echo.Echo) {
				e.GET("/files/:n", func(c *echo.Context) error { return c.String(404, "no file x") })
			},
			chi: func(r chi.Router) {
				r.Get("/files/{n}", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no file x", 404) })
			},
			status: 404, kind: errresp.NotFound},
		{name: "c.NoContent(503)", method: "GET", path: "/busy",
			echo: func(e *echo.Echo) { e.GET("/busy", func(c *echo.Context) error { return c.NoContent(503) }) },
			chi: func(r chi.Router) {
				r.Get("/busy", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
			},
			status: 503, kind: errresp.Unavailable},
		{name: "c.JSON(500, error body)", method: "GET", path: "/db",
			echo: func(e *echo.Echo) {
				e.GET("/db", func(c *echo.Context) error { return c.JSON(500, map[string]string{"error": secret}) })
			},
			chi: func(r chi.Router) {
				r.Get("/db", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 500, map[string]string{"error": secret}) })
			},
			status: 500, kind: errresp.Internal},
	}
}

// TestAdoption is the adoption table for echo: each of echo's own
// producers of a failure, in every style, answers the bytes (status, body,
// headers) the core's chi stack answers for the same failure with the same
// request id, and no 5xx body holds the cause's text.
func TestAdoption(t *testing.T) {
	t.Parallel()
	for _, s := range errresp.Styles()[:5] {
		for _, row := range adoptionRows() {
			t.Run(s.Name+"/"+row.name, func(t *testing.T) {
				t.Parallel()
				e := echo.New()
				echoapierror.Mount(e, s)
				echoapierror.UseValidation(e, nil)
				row.echo(e)
				var core http.Handler
				if row.core != nil {
					core = adaptertest.CoreStack(s, row.core)
				} else {
					core = adaptertest.CoreRouter(s, row.chi)
				}
				hdr := []string{"X-Request-ID", adaptertest.AdoptionID}
				got := call(t, serve(t, e), row.method, row.path, row.body, hdr...)
				want := call(t, serve(t, core), row.method, row.path, row.body, hdr...)
				adaptertest.Adopted(t, got, want, row.status, row.kind)
			})
		}
	}
}
