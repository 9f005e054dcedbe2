package auth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/crossorigintest"
	"github.com/apierror/apierror/middleware"
)

// coRequest is a request to https://api.example.test/x with the given
// method and header pairs.
func coRequest(method string, header ...string) *http.Request {
	r := httptest.NewRequest(method, "https://api.example.test/x", nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// coCheck checks that h, behind RequestID and Style(s), answers r with
// middleware.NewCrossOriginRefused's 403 when refused, and lets it through
// (204) otherwise.
func coCheck(t *testing.T, h http.Handler, r *http.Request, s *errresp.Style, refused bool) {
	t.Helper()
	rec := httptest.NewRecorder()
	middleware.RequestID()(middleware.Style(s)(h)).ServeHTTP(rec, r)
	if !refused {
		if rec.Code != http.StatusNoContent {
			t.Fatalf("status %d, want 204; body %s", rec.Code, rec.Body)
		}
		return
	}
	e := errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	if rec.Code != s.Code(errresp.PermissionDenied).Status || e.Kind != errresp.PermissionDenied ||
		!strings.HasPrefix(e.Message, "Cross-origin request refused") {
		t.Errorf("%s: status %d, kind %v, message %q", s.Name, rec.Code, e.Kind, e.Message)
	}
}

// The Authenticator refuses cross-site browser requests that carry its
// session cookie, in every style; a header credential is not checked (a
// browser does not attach it by itself).
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	ring := new(auth.KeyRing)
	ring.AddSession(liveSess, admin, past.AddDate(100, 0, 0))
	ring.AddKey(adminKey, admin, past.AddDate(100, 0, 0))
	opts := []auth.Option{authQuiet, auth.WithSources(auth.FromAPIKeyHeader, auth.FromCookie)}
	def := auth.New(ring, opts...).Require(noContent)
	for _, s := range errresp.Styles() {
		for _, tc := range crossorigintest.Cases {
			t.Run(s.Name+"/"+tc.Name, func(t *testing.T) {
				t.Parallel()
				coCheck(t, def, coRequest(tc.Method, append(tc.Header, "Cookie", "session="+liveSess)...), s, tc.Refused)
				coCheck(t, def, coRequest(tc.Method, append(tc.Header, "X-API-Key", adminKey)...), s, false)
			})
		}
	}
	t.Run("turned off", func(t *testing.T) {
		h := auth.New(ring, append(opts, auth.WithAllowCrossOrigin())...).Require(noContent)
		coCheck(t, h, coRequest("POST", "Sec-Fetch-Site", "cross-site", "Cookie", "session="+liveSess), errresp.Problem(), false)
	})
	t.Run("trusted origin", func(t *testing.T) {
		h := auth.New(ring, append(opts, auth.WithCrossOrigin(middleware.CrossOriginTrust("https://app.example")))...).Require(noContent)
		coCheck(t, h, coRequest("POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://app.example", "Cookie", "session="+liveSess), errresp.Problem(), false)
		coCheck(t, h, coRequest("POST", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example", "Cookie", "session="+liveSess), errresp.Problem(), true)
	})
}
