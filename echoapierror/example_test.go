package echoapierror_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/labstack/echo/v5"

	"github.com/apierror/apierror/echoapierror"
	"github.com/apierror/apierror/errresp"
)

// Mount the stack, and echo's own errors (here echo.ErrUnauthorized and a
// router miss) leave as envelopes in the style.
func ExampleMount() {
	gcore, _ := errresp.StyleNamed("gcore")
	e := echo.New()
	echoapierror.Mount(e, gcore)
	e.GET("/admin", func(c *echo.Context) error { return echo.ErrUnauthorized })
	for _, path := range []string{"/admin", "/nowhere"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("X-Request-ID", "ex-1")
		e.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body)
	}
	// Output:
	// 401 {"exception_class":"not_authenticated","message":"Authentication credentials were not provided.","request_id":"ex-1"}
	// 404 {"exception_class":"NotFoundError","message":"No route matches the request's path.","request_id":"ex-1"}
}
