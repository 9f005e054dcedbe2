package humaapierror_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/middleware"
)

// Configure huma's errors, and its validation failures leave as the style's
// envelope listing each field.
func ExampleConfigure() {
	authpi, _ := errresp.StyleNamed("authpi")
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(authpi))
	config := huma.DefaultConfig("Items", "1.0.0")
	humaapierror.Configure(&config)
	api := humachi.New(r, config)
	humaapierror.Describe(api, authpi)
	huma.Post(api, "/items", func(context.Context, *struct {
		Body struct {
			Name string `json:"name" minLength:"3"`
		}
	}) (*struct{}, error) {
		return nil, nil
	})
	w := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/items", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "ex-1")
	r.ServeHTTP(w, req)
	fmt.Print(w.Code, " ", w.Body)
	// Output:
	// 400 {"error":"invalid_request","error_description":"expected length \u003e= 3","request_id":"ex-1","fields":[{"field":"name","pointer":"/name","in":"body","message":"expected length \u003e= 3"}]}
}
