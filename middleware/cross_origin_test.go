package middleware

import (
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/crossorigintest"
)

// coRequest is a request to https://api.example.test/x with the given
// method and header pairs.
func coRequest(t *testing.T, method string, header ...string) *http.Request {
	r := mwRequest(method, "https://api.example.test/x", mwNewID(t))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

var coOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

// coCheck checks that rec is CrossOrigin's 403 in style s.
func coCheck(t *testing.T, h http.Handler, r *http.Request, s *errresp.Style, refused bool) {
	t.Helper()
	rec := mwServe(mwChain(h, RequestID(), Style(s)), r)
	if !refused {
		if rec.Code != http.StatusNoContent {
			t.Fatalf("status %d, want 204; body %s", rec.Code, rec.Body)
		}
		return
	}
	e := mwEnvelope(t, rec, s, s.Code(errresp.PermissionDenied).Status)
	if e.Kind != errresp.PermissionDenied || !strings.HasPrefix(e.Message, "Cross-origin request refused") {
		t.Errorf("%s: kind %v, message %q", s.Name, e.Kind, e.Message)
	}
}

func TestCrossOriginEveryStyle(t *testing.T) {
	t.Parallel()
	h := CrossOrigin()(coOK)
	for _, s := range errresp.Styles() {
		for _, tc := range crossorigintest.Cases {
			t.Run(s.Name+"/"+tc.Name, func(t *testing.T) {
				t.Parallel()
				coCheck(t, h, coRequest(t, tc.Method, tc.Header...), s, tc.Refused)
			})
		}
	}
}

func TestCrossOriginTrustAndBypass(t *testing.T) {
	t.Parallel()
	h := CrossOrigin(CrossOriginTrust("https://app.example"), CrossOriginBypass("POST /hooks/"))(coOK)
	coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://app.example"), errresp.Problem(), false)
	coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://other.example"), errresp.Problem(), true)
	r := coRequest(t, "POST", "Sec-Fetch-Site", "cross-site")
	r.URL.Path = "/hooks/github"
	coCheck(t, h, r, errresp.Problem(), false)
	defer func() {
		if v := recover(); v == nil || !strings.HasPrefix(v.(string), "apierror/middleware: CrossOriginTrust") {
			t.Errorf("a malformed origin did not panic with the package prefix: %v", v)
		}
	}()
	CrossOriginTrust("app.example/path")
}
