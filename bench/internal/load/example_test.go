package load_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apierror/apierror/bench/internal/load"
)

// Run loads a server on loopback for a bounded time or number of requests,
// whichever ends first, and counts what came back.
func ExampleRun() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	res, err := load.Run(srv.URL, []string{"GET /ok", "GET /ok", "GET /missing"}, nil, 1, time.Minute, 0, 30)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Requests, "requests:", res.Statuses["200"], "answered 200 and", res.Statuses["404"], "answered 404")
	// Output: 30 requests: 20 answered 200 and 10 answered 404
}
