package middleware

import (
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
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

// coCases are the browser and non-browser requests CrossOrigin and the
// Authenticator tell apart; refused says whether a cookie request is refused.
var coCases = []struct {
	name    string
	method  string
	header  []string
	refused bool
}{
	{"cross-site POST", "POST", []string{"Sec-Fetch-Site", "cross-site"}, true},
	{"cross-site DELETE", "DELETE", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, true},
	{"same-site, other origin", "PUT", []string{"Sec-Fetch-Site", "same-site"}, true},
	{"old browser, other origin", "POST", []string{"Origin", "https://evil.example"}, true},
	{"same-origin", "POST", []string{"Sec-Fetch-Site", "same-origin", "Origin", "https://api.example.test"}, false},
	{"typed in the address bar", "POST", []string{"Sec-Fetch-Site", "none"}, false},
	{"old browser, same origin", "POST", []string{"Origin", "https://api.example.test"}, false},
	{"non-browser client", "POST", nil, false},
	{"cross-site GET", "GET", []string{"Sec-Fetch-Site", "cross-site"}, false},
	{"cross-site HEAD", "HEAD", []string{"Sec-Fetch-Site", "cross-site"}, false},
}

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
		for _, tc := range coCases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				coCheck(t, h, coRequest(t, tc.method, tc.header...), s, tc.refused)
			})
		}
	}
}

func TestCrossOriginTrustAndBypass(t *testing.T) {
	t.Parallel()
	h := CrossOrigin(TrustOrigins("https://app.example"), CrossOriginBypass("POST /hooks/"))(coOK)
	coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://app.example"), errresp.Problem, false)
	coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://other.example"), errresp.Problem, true)
	r := coRequest(t, "POST", "Sec-Fetch-Site", "cross-site")
	r.URL.Path = "/hooks/github"
	coCheck(t, h, r, errresp.Problem, false)
	defer func() {
		if v := recover(); v == nil || !strings.HasPrefix(v.(string), "apierror/middleware: TrustOrigins") {
			t.Errorf("a malformed origin did not panic with the package prefix: %v", v)
		}
	}()
	TrustOrigins("app.example/path")
}

// The Authenticator refuses cross-site browser requests that carry its
// session cookie, in every style; a header credential is not checked (a
// browser does not attach it by itself).
func TestAuthenticatorCrossOrigin(t *testing.T) {
	t.Parallel()
	ring := new(KeyRing)
	ring.AddSession(liveSess, admin, past.AddDate(100, 0, 0))
	ring.AddKey(adminKey, admin, past.AddDate(100, 0, 0))
	opts := []AuthOption{authQuiet, AuthSources(FromAPIKeyHeader, FromCookie)}
	def := NewAuthenticator(ring, opts...).Require(coOK)
	for _, s := range errresp.Styles() {
		for _, tc := range coCases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				coCheck(t, def, coRequest(t, tc.method, append(tc.header, "Cookie", "session="+liveSess)...), s, tc.refused)
				coCheck(t, def, coRequest(t, tc.method, append(tc.header, "X-API-Key", adminKey)...), s, false)
			})
		}
	}
	t.Run("turned off", func(t *testing.T) {
		h := NewAuthenticator(ring, append(opts, AuthAllowCrossOrigin())...).Require(coOK)
		coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Cookie", "session="+liveSess), errresp.Problem, false)
	})
	t.Run("trusted origin", func(t *testing.T) {
		h := NewAuthenticator(ring, append(opts, AuthCrossOrigin(TrustOrigins("https://app.example")))...).Require(coOK)
		coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://app.example", "Cookie", "session="+liveSess), errresp.Problem, false)
		coCheck(t, h, coRequest(t, "POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example", "Cookie", "session="+liveSess), errresp.Problem, true)
	})
}
