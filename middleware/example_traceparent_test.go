package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// The trace id of the incoming W3C traceparent becomes the request id, in
// X-Request-ID and in the envelope, so the id a client quotes finds the
// trace. Without a traceparent the id is chosen as before.
func ExampleRequestIDTraceparent() {
	h := middleware.RequestID(middleware.RequestIDTraceparent())(
		middleware.Handler(func(http.ResponseWriter, *http.Request) error {
			return errresp.New(errresp.NotFound, "No such item.")
		}))
	r := httptest.NewRequest("GET", "/items/7", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Header().Get("X-Request-ID"))
	fmt.Print(rec.Body.String())
	// Output:
	// 4bf92f3577b34da6a3ce929d0e0e4736
	// {"type":"about:blank","title":"Not Found","status":404,"detail":"No such item.","code":"not_found","request_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
}
