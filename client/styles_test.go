package client_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
)

// Every style's envelope, and a registered style of one's own, comes back
// from the Transport as a response with a nil error, as net/http requires,
// its body reading every byte the server sent; Check gives the
// *errresp.Error that was written, with the code and status on the wire,
// without reading the body again.
func TestDecodesEveryStyle(t *testing.T) {
	t.Parallel()
	sent := errresp.NewInvalid("The request body failed validation.",
		errresp.FieldError{Field: "name", Pointer: "/name", Rule: "min", Param: "3", Message: "name must be at least 3 characters long"}).
		With("hint", "see the reference")
	for _, style := range append(errresp.Styles(), acme) {
		t.Run(style.Name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, envelope(style, sent))
			f := newFixture()
			req, _ := http.NewRequest("GET", srv.URL+"/things", nil)
			req.Header.Set("X-Request-ID", "req-"+style.Name)
			resp, err := f.Do(req)
			if err != nil {
				t.Fatalf("a 400 gave %v", err)
			}
			defer resp.Body.Close()
			wantStatus := style.Code(errresp.InvalidRequest).Status
			if resp.StatusCode != wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, wantStatus)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || !json.Valid(body) {
				t.Fatalf("the response body reads %q, %v", body, err)
			}
			err = client.Check(resp)
			var e *errresp.Error
			if !errors.As(err, &e) {
				t.Fatalf("%v: no *errresp.Error", err)
			}
			wantCode := style.Code(errresp.InvalidRequest).Code
			want := &errresp.Error{Kind: errresp.InvalidRequest, Message: sent.Message, Fields: sent.Fields,
				Info: map[string]any{"hint": "see the reference"}, RequestID: "req-" + style.Name,
				Code: wantCode, HTTPStatus: wantStatus}
			if !reflect.DeepEqual(e, want) {
				t.Errorf("decoded\n %#v\nwant\n %#v", e, want)
			}
			var re *client.ResponseError
			if !errors.As(err, &re) || re.Attempts != 1 || re.Response != resp || !bytes.Equal(re.Body, body) {
				t.Fatalf("%v: ResponseError %+v", err, re)
			}
			if got := resp.Header.Get("Content-Type"); got != style.ContentType {
				t.Errorf("Content-Type %q, want %q", got, style.ContentType)
			}
		})
	}
}

// acme is a style of a service's own, registered so that Decode knows it.
var acme = &errresp.Style{
	Name:        "client-test-acme",
	ContentType: "application/vnd.acme.error+json",
	Codes:       map[errresp.Kind]errresp.Code{errresp.InvalidRequest: {Code: "BAD_INPUT", Status: 422}},
	Encode: func(o *errresp.Object, env *errresp.Envelope) {
		in := o.Open("fault")
		in.String("id", env.Code)
		in.String("text", env.Message)
		in.StringIf("trace", env.RequestID)
		in.Fields("fields", env.Fields, errresp.FieldNames{Field: "path", Pointer: "pointer", Rule: "rule", Param: "param", Message: "text"})
		o.Close(in)
		o.Info(env.Info, "fault")
	},
	Parse: func(body map[string]any) (*errresp.Error, bool) {
		in, ok := body["fault"].(map[string]any)
		if !ok {
			return nil, false
		}
		e := &errresp.Error{Message: in["text"].(string)}
		e.RequestID, _ = in["trace"].(string)
		if in["id"] == "BAD_INPUT" {
			e.Kind = errresp.InvalidRequest
		}
		for _, x := range in["fields"].([]any) {
			m := x.(map[string]any)
			e.Fields = append(e.Fields, errresp.FieldError{Field: m["path"].(string), Pointer: m["pointer"].(string),
				Rule: m["rule"].(string), Param: m["param"].(string), Message: m["text"].(string)})
		}
		for k, v := range body {
			if k != "fault" {
				e.With(k, v)
			}
		}
		return e, true
	},
}

func init() { errresp.Register(acme) }
