package ginapierror_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
)

// Mount the stack, and gin's own failures (here c.AbortWithStatus and a
// router miss) leave as envelopes in the style.
func ExampleMount() {
	gpcn, _ := errresp.StyleNamed("gpcn")
	e := gin.New()
	ginapierror.Mount(e, gpcn)
	e.GET("/admin", func(c *gin.Context) { c.AbortWithStatus(401) })
	for _, path := range []string{"/admin", "/nowhere"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("X-Request-ID", "ex-1")
		e.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body)
	}
	// Output:
	// 401 {"success":false,"error":"NOT_AUTHENTICATED","message":"Authentication credentials were not provided.","requestId":"ex-1"}
	// 404 {"success":false,"error":"NOT_FOUND","message":"No route matches the request's path.","requestId":"ex-1"}
}
