package ginapierror_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/validation"
)

// item is the body the binding rows decode.
type item struct {
	Name string `json:"name" binding:"required,min=3" validate:"required,min=3"`
	Size int    `json:"size" binding:"min=1" validate:"min=1"`
}

const secret = adaptertest.Secret

// adoption is one row of the adoption table: one of gin's own producers of a
// failure, and the net/http code the core answers for the same failure.
type adoption struct {
	name         string
	method, path string
	body         string
	gin          func(e *gin.Engine)
	chi          func(r chi.Router)
	status       int
	kind         errresp.Kind // the envelope's kind
}

func adoptionRows() []adoption {
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
	returning := func(err error) http.Handler {
		return middleware.Handler(func(http.ResponseWriter, *http.Request) error { return err })
	}
	taken := errresp.New(errresp.Conflict, "That name is taken.")
	return []adoption{
		{name: "404 no route", method: "GET", path: "/nowhere",
			gin:    func(e *gin.Engine) { e.GET("/items", func(c *gin.Context) {}) },
			chi:    func(r chi.Router) { r.Get("/items", func(http.ResponseWriter, *http.Request) {}) },
			status: 404, kind: errresp.NotFound},
		{name: "405 with Allow", method: "PUT", path: "/items",
			gin:    func(e *gin.Engine) { e.GET("/items", func(c *gin.Context) {}) },
			chi:    func(r chi.Router) { r.Get("/items", func(http.ResponseWriter, *http.Request) {}) },
			status: 405, kind: errresp.MethodNotAllowed},
		{name: "c.BindJSON bad fields", method: "POST", path: "/items", body: `{"name":"ab","size":0}`,
			gin: func(e *gin.Engine) { e.POST("/items", func(c *gin.Context) { _ = c.BindJSON(new(item)) }) },
			chi: func(r chi.Router) {
				r.Method("POST", "/items", middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
					return validation.Decode(r, new(item))
				}))
			},
			status: 400, kind: errresp.InvalidRequest},
		{name: "c.ShouldBindJSON syntax error to c.Error", method: "POST", path: "/items", body: `{"name":`,
			gin: func(e *gin.Engine) {
				e.POST("/items", func(c *gin.Context) {
					if err := c.ShouldBindJSON(new(item)); err != nil {
						_ = c.Error(err)
					}
				})
			},
			chi: func(r chi.Router) {
				r.Method("POST", "/items", middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
					return validation.Decode(r, new(item))
				}))
			},
			status: 400, kind: errresp.InvalidRequest},
		{name: "c.Bind unknown field", method: "POST", path: "/items", body: `{"name":"abc","size":1,"colour":"red"}`,
			gin: func(e *gin.Engine) { e.POST("/items", func(c *gin.Context) { _ = c.Bind(new(item)) }) },
			chi: func(r chi.Router) {
				r.Method("POST", "/items", middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
					return validation.Decode(r, new(item))
				}))
			},
			status: 400, kind: errresp.InvalidRequest},
		{name: "panic, recovered by the stack", method: "GET", path: "/panic",
			gin:    func(e *gin.Engine) { e.GET("/panic", func(*gin.Context) { panic(secret) }) },
			chi:    func(r chi.Router) { r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic(secret) }) },
			status: 500, kind: errresp.Internal},
		{name: "gin.Recovery below the stack", method: "GET", path: "/panic",
			gin: func(e *gin.Engine) {
				e.GET("/panic", gin.RecoveryWithWriter(discard{}), func(*gin.Context) { panic(secret) })
			},
			chi: func(r chi.Router) {
				r.With(chimw.Recoverer).Get("/panic", func(http.ResponseWriter, *http.Request) { panic(secret) })
			},
			status: 500, kind: errresp.Internal},
		{name: "c.AbortWithStatus(401)", method: "GET", path: "/admin",
			gin: func(e *gin.Engine) {
				e.GET("/admin", func(c *gin.Context) {
					c.Header("WWW-Authenticate", `Bearer realm="api"`)
					c.AbortWithStatus(401)
				})
			},
			chi: func(r chi.Router) {
				r.Get("/admin", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
					w.WriteHeader(401)
				})
			},
			status: 401, kind: errresp.NotAuthenticated},
		{name: "c.AbortWithError(403, plain error)", method: "GET", path: "/acl",
			gin: func(e *gin.Engine) {
				e.GET("/acl", func(c *gin.Context) { _ = c.AbortWithError(403, errors.New(secret)) })
			},
			chi:    func(r chi.Router) { r.Get("/acl", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }) },
			status: 403, kind: errresp.PermissionDenied},
		{name: "c.Error(*errresp.Error)", method: "POST", path: "/items",
			gin:    func(e *gin.Engine) { e.POST("/items", func(c *gin.Context) { _ = c.Error(taken) }) },
			chi:    func(r chi.Router) { r.Method("POST", "/items", returning(taken)) },
			status: 409, kind: errresp.Conflict},
		{name: "c.Error(plain error), nothing written", method: "GET", path: "/report",
			gin:    func(e *gin.Engine) { e.GET("/report", func(c *gin.Context) { _ = c.Error(errors.New(secret)) }) },
			chi:    func(r chi.Router) { r.Method("GET", "/report", returning(errors.New(secret))) },
			status: 500, kind: errresp.Internal},
		{name: "c.String(404, text)", method: "GET", path: "/items/2",
			gin: func(e *gin.Engine) { e.GET("/items/:id", func(c *gin.Context) { c.String(404, "item 2 not found") }) },
			chi: func(r chi.Router) {
				r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "item 2 not found", 404) })
			},
			status: 404, kind: errresp.NotFound},
		{name: "c.Status(503), no body", method: "GET", path: "/busy",
			gin: func(e *gin.Engine) { e.GET("/busy", func(c *gin.Context) { c.Status(503) }) },
			chi: func(r chi.Router) {
				r.Get("/busy", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
			},
			status: 503, kind: errresp.Unavailable},
		{name: "c.JSON(500, gin.H{error})", method: "GET", path: "/db",
			gin: func(e *gin.Engine) { e.GET("/db", func(c *gin.Context) { c.JSON(500, gin.H{"error": secret}) }) },
			chi: func(r chi.Router) {
				r.Get("/db", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 500, map[string]string{"error": secret}) })
			},
			status: 500, kind: errresp.Internal},
		{name: "c.JSON(422, gin.H{message})", method: "POST", path: "/items",
			gin: func(e *gin.Engine) {
				e.POST("/items", func(c *gin.Context) { c.JSON(422, gin.H{"message": "size is too large"}) })
			},
			chi: func(r chi.Router) {
				r.Post("/items", func(w http.ResponseWriter, r *http.Request) {
					writeJSON(w, 422, map[string]string{"message": "size is too large"})
				})
			},
			status: 422, kind: errresp.Unprocessable},
	}
}

// discard is a writer that drops gin.Recovery's log.
type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// TestAdoption is the adoption table for gin: each of gin's own producers
// of a failure, in every style, answers the bytes (status, body, headers)
// the core's chi stack answers for the same failure with the same request
// id, and no 5xx body holds the cause's text.
func TestAdoption(t *testing.T) {
	t.Parallel()
	for _, s := range errresp.Styles()[:5] {
		for _, row := range adoptionRows() {
			t.Run(s.Name+"/"+row.name, func(t *testing.T) {
				t.Parallel()
				e := gin.New()
				ginapierror.Mount(e, s)
				row.gin(e)
				hdr := []string{"X-Request-ID", adaptertest.AdoptionID}
				got := call(t, serve(t, e), row.method, row.path, row.body, hdr...)
				want := call(t, serve(t, adaptertest.CoreRouter(s, row.chi)), row.method, row.path, row.body, hdr...)
				adaptertest.Adopted(t, got, want, row.status, row.kind)
			})
		}
	}
}
