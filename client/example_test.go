package client_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/client/clienttest"
	"github.com/apierror/apierror/errresp"
)

// An error response, in any style, comes back as an *errresp.Error.
func ExampleNew() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = errresp.WithRequestID(errresp.WithStyle(r, errresp.Gcore()), "req_7f3a")
		_, _ = errresp.Write(w, r, errresp.New(errresp.NotFound, "No virtual machine has that id."))
	}))
	defer srv.Close()

	c := client.New()
	resp, err := c.Get(srv.URL + "/v1/vms/3f2504e0-4f89-41d3-9a0c-0305e82c3301")
	if err != nil {
		fmt.Println(err) // no response came
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.StatusCode, " ", string(body)) // the body ends with a newline
	var e *errresp.Error
	if errors.As(client.Check(resp), &e) {
		fmt.Println(e.Kind, e.Code, e.HTTPStatus, e.Message, e.RequestID)
	}
	// Output:
	// 404 {"exception_class":"NotFoundError","message":"No virtual machine has that id.","request_id":"req_7f3a"}
	// not_found NotFoundError 404 No virtual machine has that id. req_7f3a
}

// Do returns an error for every failure, for code that wants one: the
// decoded *errresp.Error of an error response, after the retries.
func ExampleDo() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusPaymentRequired)
		fmt.Fprint(w, `{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined."}}`)
	}))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL, nil)
	_, err := client.Do(client.New(), req)
	var e *errresp.Error
	if errors.As(err, &e) {
		fmt.Println(e.HTTPStatus, e.Code, e.Message)
	}
	// Output:
	// 402 card_declined Your card was declined.
}

// A 429 is sent again after its Retry-After. The manual clock of package
// clienttest lets a test see the wait without sleeping.
func ExampleWithClock() {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls++; calls == 1 {
			_, _ = errresp.Write(w, errresp.WithStyle(r, errresp.GPCN()),
				&errresp.Error{Kind: errresp.RateLimited, RetryAfter: 20 * time.Second})
			return
		}
		fmt.Fprintln(w, "done")
	}))
	defer srv.Close()

	clock := clienttest.NewClock(time.Now())
	c := client.New(client.WithClock(clock.Now), client.WithSleep(clock.Sleep), client.WithLogger(slog.New(slog.DiscardHandler)))
	resp, err := c.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(calls, " calls, waited ", clock.Sleeps(), ": ", string(body))
	// Output:
	// 2 calls, waited [20s]: done
}
