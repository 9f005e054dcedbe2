package middleware

import (
	"net/http"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// TestPageMessagesVerbatim: every message text a provider's page gives for a
// failure (Gcore's authentication table, "the message text identifies the
// specific cause") is what that style writes, verbatim, through the real
// Authenticator; every other style writes the middleware's own sentence
// with its own code; and a service's own message wins in every style.
func TestPageMessagesVerbatim(t *testing.T) {
	t.Parallel()
	f := newAuthFixture()
	rows := []struct {
		page    string // the page's Message column, {partial_key} filled in
		cause   string // the page's Cause column
		req     func() *http.Request
		kind    errresp.Kind
		library string // the middleware's sentence, in the other styles
	}{
		{"Authentication credentials were not provided.", "No Authorization header",
			func() *http.Request { return authReq("GET", "/v1/vms", "") },
			errresp.NotAuthenticated, "Authentication credentials were not provided."},
		{"Bad permanent token: admi...", "Token truncated at $",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer admin-key-01") },
			errresp.CredentialMalformed, "Bad permanent token: admi..."},
		{"Token is invalid or expired", "Token deleted",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Bearer "+revokedKey) },
			errresp.CredentialInvalid, "The API key or token doesn't exist or has been revoked."},
		{"Token is invalid or expired", "Token past expiry date",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "APIKey "+expiredKey) },
			errresp.CredentialExpired, "The API key or token has passed its expiration date."},
		{"Given token not valid for any token type", "Wrong auth scheme",
			func() *http.Request { return authReq("GET", "/v1/vms", "", "Authorization", "Basic ZGVtbzpkZW1v") },
			errresp.WrongAuthScheme, f.auth.wrongScheme},
	}
	pages := map[*errresp.Style]bool{errresp.Gcore: true}
	for _, row := range rows {
		for _, s := range []*errresp.Style{errresp.Problem, errresp.GPCN, errresp.DevDocs, errresp.Gcore, errresp.AuthPI} {
			t.Run(row.cause+"/"+s.Name, func(t *testing.T) {
				t.Parallel()
				rec := authServe(f.mux, s, "req-1", row.req())
				got := errresp.DecodeBody(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
				want := row.library
				if pages[s] {
					want = row.page
				}
				if rec.Code != 401 || got.Kind != row.kind || got.Message != want {
					t.Errorf("%d %v %q, want 401 %v %q", rec.Code, got.Kind, got.Message, row.kind, want)
				}
				if got.Code != "" || s.Code(row.kind).Code == "" {
					t.Errorf("code override %q", got.Code)
				}
				// The service's own message wins over the page's.
				own := &errresp.Error{Kind: row.kind, Message: "Your key for region eu-1 was rotated.", DefaultMessage: row.library}
				body, _ := errresp.Render(s, own, "")
				if d := errresp.DecodeBody(401, s.ContentType, body); d.Message != own.Message {
					t.Errorf("own message lost: %q", d.Message)
				}
			})
		}
	}
	// The page's table, as the style carries it, word for word.
	for k, msg := range map[errresp.Kind]string{
		errresp.NotAuthenticated:  "Authentication credentials were not provided.",
		errresp.CredentialInvalid: "Token is invalid or expired",
		errresp.CredentialExpired: "Token is invalid or expired",
		errresp.WrongAuthScheme:   "Given token not valid for any token type",
	} {
		if got := errresp.Gcore.Messages[k]; got != msg {
			t.Errorf("Gcore.Messages[%v] = %q, want %q", k, got, msg)
		}
	}
}
