package middleware_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

type exampleItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func exampleGetItem(r *http.Request) (exampleItem, error) {
	id := chi.URLParam(r, "id")
	if id != "42" {
		return exampleItem{}, errresp.Newf(errresp.NotFound, "Item %s does not exist.", id)
	}
	return exampleItem{ID: id, Name: "towel"}, nil
}

// show prints the status, the request id header and the body of a request
// served by h.
func exampleShow(h http.Handler, method, target string, header ...string) {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	extra := ""
	if allow := rec.Header().Get("Allow"); allow != "" {
		extra = " Allow: " + allow
	}
	fmt.Printf("%d%s %s", rec.Code, extra, rec.Body)
}

// A chi service speaking the GPCN style: every failure, whoever produced
// it, is one envelope carrying the request id.
func Example() {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Method("GET", "/items/{id}", middleware.JSONHandler(exampleGetItem))
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("db password in here") })

	exampleShow(r, "GET", "/items/42", "X-Request-ID", "req-1")
	exampleShow(r, "GET", "/items/7", "X-Request-ID", "req-2")
	exampleShow(r, "DELETE", "/items/42", "X-Request-ID", "req-3")
	exampleShow(r, "GET", "/nowhere", "X-Request-ID", "req-4")
	exampleShow(r, "GET", "/panic", "X-Request-ID", "req-5")
	// Output:
	// 200 {"id":"42","name":"towel"}
	// 404 {"success":false,"error":"NOT_FOUND","message":"Item 7 does not exist.","requestId":"req-2"}
	// 405 Allow: GET {"success":false,"error":"METHOD_NOT_ALLOWED","message":"The route allows only GET.","requestId":"req-3"}
	// 404 {"success":false,"error":"NOT_FOUND","message":"No route matches the request's path.","requestId":"req-4"}
	// 500 {"success":false,"error":"SERVER_ERROR","message":"Internal server error","requestId":"req-5"}
}

// Route groups may speak another style, and a client may ask for RFC 9457
// problem details with Accept.
func ExampleStyle() {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Style(errresp.GPCN(), middleware.StyleNegotiate()))
	fail := middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
		return errresp.New(errresp.Conflict, "The name is taken.")
	})
	r.Method("POST", "/v1/items", fail)
	r.Route("/v2", func(r chi.Router) {
		r.Use(middleware.Style(errresp.AuthPI()))
		r.Method("POST", "/items", fail)
	})

	exampleShow(r, "POST", "/v1/items", "X-Request-ID", "a1")
	exampleShow(r, "POST", "/v2/items", "X-Request-ID", "a2")
	exampleShow(r, "POST", "/v1/items", "X-Request-ID", "a3", "Accept", "application/problem+json")
	// Output:
	// 409 {"success":false,"error":"CONFLICT","message":"The name is taken.","requestId":"a1"}
	// 409 {"error":"conflict","error_description":"The name is taken.","request_id":"a2"}
	// 409 {"type":"about:blank","title":"Conflict","status":409,"detail":"The name is taken.","code":"conflict","request_id":"a3"}
}

// A plain http.ServeMux gets envelopes for its own 404 and 405.
func ExampleServeMux() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "item", r.PathValue("id"))
	})
	h := middleware.RequestID()(middleware.Style(errresp.Gcore())(middleware.ServeMux(mux)))

	exampleShow(h, "GET", "/items/9", "X-Request-ID", "m1")
	exampleShow(h, "GET", "/users", "X-Request-ID", "m2")
	exampleShow(h, "PUT", "/items/9", "X-Request-ID", "m3")
	// Output:
	// 200 item 9
	// 404 {"exception_class":"NotFoundError","message":"No route matches the request's path.","request_id":"m2"}
	// 405 Allow: GET, HEAD {"exception_class":"HTTPError","message":"The route allows only GET, HEAD.","request_id":"m3"}
}

// The error hook sees every failure with its kind and status, for metrics.
func ExampleOnError() {
	hook := func(r *http.Request, e *errresp.Error, status int) {
		fmt.Println("hook:", r.Method, r.URL.Path, e.Kind, status)
	}
	h := middleware.OnError(hook)(middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("loading: %w", errors.New("connection refused"))
	}))
	exampleShow(h, "GET", "/report")
	// Output:
	// hook: GET /report internal 500
	// 500 {"type":"about:blank","title":"Internal Server Error","status":500,"detail":"Internal Server Error","code":"internal"}
}

// Request guards: media type, body size and If-Match preconditions.
func ExampleIfMatch() {
	etag := func(r *http.Request) (string, error) { return `"v7"`, nil }
	h := middleware.Style(errresp.GPCN())(middleware.IfMatch(etag, middleware.IfMatchRequired())(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "updated") })))

	exampleShow(h, "PUT", "/items/1", "If-Match", `"v7"`)
	exampleShow(h, "PUT", "/items/1", "If-Match", `"v6"`)
	exampleShow(h, "PUT", "/items/1")
	// Output:
	// 200 updated
	// 412 {"success":false,"error":"PRECONDITION_FAILED","message":"If-Match does not match the resource's current ETag."}
	// 428 {"success":false,"error":"PRECONDITION_REQUIRED","message":"This request must be conditional: send If-Match with the resource's current ETag."}
}

func ExampleContentType() {
	h := middleware.Style(errresp.GPCN())(middleware.ContentType("application/json")(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "created") })))
	r := httptest.NewRequest("POST", "/items", strings.NewReader("name=towel"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Print(rec.Code, " Accept: ", rec.Header().Get("Accept"), " ", rec.Body)
	// Output:
	// 415 Accept: application/json {"success":false,"error":"UNSUPPORTED_MEDIA_TYPE","message":"The request body must be one of: application/json."}
}
