package client_test

import (
	"errors"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// An error body larger than errresp.MaxDecodeBody is cut there; the kind
// follows the status, and the message keeps only a bounded first line of
// the plain text (errresp.DecodeBody keeps at most 200 bytes of it).
func TestOversizedErrorBody(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(strings.Repeat("x", 2*errresp.MaxDecodeBody)))
	})
	f := newFixture()
	resp, err := f.get(t, srv.URL)
	closeBody(resp)
	var re *client.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %v", err)
	}
	if len(re.Body) != errresp.MaxDecodeBody || re.Err.Kind != errresp.PermissionDenied || len(re.Err.Message) > 200 || !strings.HasPrefix(re.Err.Message, "xxx") {
		t.Errorf("%d bytes kept, decoded %v (%d bytes of message)", len(re.Body), re.Err.Kind, len(re.Err.Message))
	}
}

func TestResponseErrorText(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(404))
	f := newFixture()
	resp, err := f.get(t, srv.URL)
	closeBody(resp)
	var re *client.ResponseError
	if !errors.As(err, &re) || re.Error() != "404 not_found: Not Found" {
		t.Errorf("got %v", err)
	}
}

// After an error response, the connection carries the next request: the
// body was read to its end, so the transport puts the connection back in its
// idle pool (it does so on its own goroutine, so the test waits for that
// event rather than racing it).
func TestErrorBodyFreesConnection(t *testing.T) {
	t.Parallel()
	srv := serve(t, status(404))
	// A transport of its own: other tests' servers, closing, close the idle
	// connections of http.DefaultTransport.
	own := &http.Transport{}
	t.Cleanup(own.CloseIdleConnections)
	f := newFixture(client.WithTransport(own))
	var reused []bool
	for range 2 {
		idle := make(chan error, 1)
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn:     func(info httptrace.GotConnInfo) { reused = append(reused, info.Reused) },
			PutIdleConn: func(err error) { idle <- err },
		}))
		resp, err := client.Do(f.Client, req)
		closeBody(resp)
		if !errors.Is(err, &errresp.Error{Kind: errresp.NotFound}) {
			t.Fatalf("got %v", err)
		}
		select {
		case err := <-idle:
			if err != nil {
				t.Fatalf("connection not put back: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the connection never went back to the idle pool")
		}
	}
	if len(reused) != 2 || !reused[1] {
		t.Errorf("connections reused: %v, want the second", reused)
	}
}

// A HEAD that fails has a Content-Length and no body; it decodes by status.
func TestHeadError(t *testing.T) {
	t.Parallel()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1048576")
		w.WriteHeader(http.StatusNotFound)
	})
	f := newFixture()
	req, _ := http.NewRequest("HEAD", srv.URL, nil)
	resp, err := f.Do(req)
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("got %v, %v", resp, err)
	}
	closeBody(resp)
	var re *client.ResponseError
	if err := client.Check(resp); !errors.As(err, &re) || re.Err.Kind != errresp.NotFound || len(re.Body) != 0 {
		t.Errorf("got %v", err)
	}
}
