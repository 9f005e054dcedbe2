package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// A style declared as data and registered with errresp is read by the
// client like the built-in five (TestDecodesEveryStyle, which runs after
// this test, takes it through every check too), with a service's declared
// code.
func TestClientReadsDeclaredStyle(t *testing.T) {
	style := errresp.NewStyle(errresp.Declaration{
		Name:        "client-declared",
		ContentType: "application/vnd.client-declared+json",
		Members:     errresp.Members{Code: "fault", Message: "text", Reason: "cause", RequestID: "trace", Fields: "fields"},
	})
	errresp.Register(style)
	errresp.DeclareCodes(errresp.ServiceCode{Code: "CLIENT_VM_LOCKED", Kind: errresp.Conflict, Status: 423, Title: "Locked."})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = errresp.Write(w, errresp.WithStyle(r, style), &errresp.Error{Code: "CLIENT_VM_LOCKED"})
	}))
	defer srv.Close()
	resp, err := client.New(client.WithMaxRetries(0)).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	err = client.Check(resp)
	var e *errresp.Error
	if !errors.As(err, &e) || e.Kind != errresp.Conflict || e.Code != "CLIENT_VM_LOCKED" || e.Message != "Locked." || e.HTTPStatus != 423 {
		t.Errorf("decoded %+v from %v", e, err)
	}
}
