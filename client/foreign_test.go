package client_test

import (
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// answer is a handler that answers as a framework or service does: the
// status, the header pairs, the body.
func answer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// Servers this library did not write, answering as they do (their shapes,
// not their code): the client returns the response with a nil error, and
// Check gives the message a person can act on, the code and status on the
// wire, the fields and the request id.
func TestForeignServers(t *testing.T) {
	t.Parallel()
	const js = "application/json; charset=utf-8"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    errresp.Error
	}{
		{"gin", answer(500, `{"error":"database connection lost"}`, "Content-Type", js, "X-Request-ID", "gin-1"),
			errresp.Error{Kind: errresp.Internal, Message: "database connection lost", RequestID: "gin-1"}},
		{"echo", answer(429, `{"message":"rate limit exceeded"}`+"\n", "Content-Type", js),
			errresp.Error{Kind: errresp.RateLimited, Message: "rate limit exceeded"}},
		{"huma", answer(422, `{"$schema":"http://localhost/schemas/ErrorModel.json","title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected length >= 3","location":"body.name","value":"ab"},{"message":"expected number <= 100","location":"query.limit","value":500}]}`,
			"Content-Type", "application/problem+json"),
			errresp.Error{Kind: errresp.Unprocessable, Message: "validation failed",
				Fields: []errresp.FieldError{{Field: "name", In: "body", Message: "expected length >= 3"}, {Field: "limit", In: "query", Message: "expected number <= 100"}},
				Info:   map[string]any{"$schema": "http://localhost/schemas/ErrorModel.json"}}},
		{"google", answer(429, `{"error":{"code":429,"message":"Quota exceeded for quota metric 'Read requests' of service 'sheets.googleapis.com'.","status":"RESOURCE_EXHAUSTED"}}`, "Content-Type", js),
			errresp.Error{Kind: errresp.RateLimited, Code: "RESOURCE_EXHAUSTED",
				Message: "Quota exceeded for quota metric 'Read requests' of service 'sheets.googleapis.com'."}},
		{"stripe", answer(402, `{"error":{"code":"card_declined","decline_code":"insufficient_funds","doc_url":"https://stripe.com/docs/error-codes/card-declined","message":"Your card has insufficient funds.","type":"card_error"}}`,
			"Content-Type", "application/json", "Request-Id", "req_TnVh2Q7sE1"),
			errresp.Error{Kind: errresp.ClientError, Code: "card_declined", Message: "Your card has insufficient funds.", RequestID: "req_TnVh2Q7sE1"}},
		{"github", answer(422, `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}`,
			"Content-Type", js, "X-GitHub-Request-Id", "CB1E:3F2A:1A2B3C"),
			errresp.Error{Kind: errresp.Unprocessable, Message: "Validation Failed", RequestID: "CB1E:3F2A:1A2B3C",
				Fields: []errresp.FieldError{{Field: "title", Rule: "missing_field"}},
				Info:   map[string]any{"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue", "status": "422"}}},
		{"nginx", answer(502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n",
			"Content-Type", "text/html"),
			errresp.Error{Kind: errresp.BadGateway, Message: "Bad Gateway"}},
		{"http.Error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-ID", "plain-7")
			http.Error(w, "item nope not found", http.StatusNotFound)
		}, errresp.Error{Kind: errresp.NotFound, Message: "item nope not found", RequestID: "plain-7"}},
		{"JSON without a Content-Type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // net/http would sniff text/plain
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":"quantity must be positive"}`)
		}, errresp.Error{Kind: errresp.InvalidRequest, Message: "quantity must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tt.handler)
			f := newFixture(client.WithMaxRetries(0))
			req, _ := http.NewRequest("GET", srv.URL, nil)
			resp, err := f.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			err = client.Check(resp)
			var e *errresp.Error
			if !errors.As(err, &e) {
				t.Fatalf("Check: %v", err)
			}
			want := tt.want
			want.HTTPStatus = resp.StatusCode
			if e.RetryAfter != 0 || e.Header != nil {
				t.Errorf("retry-after %v, header %v", e.RetryAfter, e.Header)
			}
			e.RetryAfter, e.Header = 0, nil
			if !reflect.DeepEqual(*e, want) {
				t.Errorf("decoded\n %+v\nwant\n %+v", *e, want)
			}
		})
	}
}

// The body reads every byte the server sent, after Check as before it.
func TestCheckKeepsBody(t *testing.T) {
	t.Parallel()
	const body = `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`
	srv := serve(t, answer(404, body, "Content-Type", "application/json"))
	resp, err := newFixture().get(t, srv.URL) // through Do: the error
	var re *client.ResponseError
	if resp != nil || !errors.As(err, &re) || re.Err.Message != "Not Found" {
		t.Fatalf("Do: %v, %v", resp, err)
	}
	if b, _ := io.ReadAll(re.Response.Body); string(b) != body || string(re.Body) != body {
		t.Errorf("Do's response reads %q", b)
	}
	// A response from elsewhere (http.DefaultClient): Check reads it, once.
	plain, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Body.Close()
	var first, second *client.ResponseError
	if !errors.As(client.Check(plain), &first) || !errors.As(client.Check(plain), &second) || first.Err != second.Err {
		t.Errorf("Check: %v, then %v", first, second) // decoded twice
	}
	if b, _ := io.ReadAll(plain.Body); string(b) != body {
		t.Errorf("after Check the body reads %q", b)
	}
	if client.Check(nil) != nil {
		t.Error("Check(nil) is not nil")
	}
}

// Behind http.Client's Timeout, which wraps the body, Check still finds the
// failure the Transport decoded after its retries, and reads nothing again.
func TestCheckBehindTimeout(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(503))
	f := newFixture()
	c := &http.Client{Transport: f.Transport, Timeout: time.Minute}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var re *client.ResponseError
	if !errors.As(client.Check(resp), &re) || re.Attempts != 4 || re.Err.Kind != errresp.Unavailable || re.Response != resp {
		t.Fatalf("Check: %+v", re)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "Service Unavailable\n" {
		t.Errorf("body %q", b)
	}
}

// Do behind http.Client's Timeout closes the error response's body too,
// and its failure's response reads what was kept.
func TestDoBehindTimeout(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("not found ", errresp.MaxDecodeBody/5) // 2 MiB
	srv := serve(t, answer(404, body))
	f := newFixture()
	c := &http.Client{Transport: f.Transport, Timeout: time.Minute}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := client.Do(c, req)
	var re *client.ResponseError
	if resp != nil || !errors.As(err, &re) || re.Err.Kind != errresp.NotFound {
		t.Fatalf("Do: %v, %v", resp, err)
	}
	if b, _ := io.ReadAll(re.Response.Body); string(b) != body[:errresp.MaxDecodeBody] {
		t.Errorf("the failure's response reads %d bytes, want the %d kept", len(b), errresp.MaxDecodeBody)
	}
}
