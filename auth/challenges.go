package auth

import (
	"strings"

	"github.com/apierror/apierror/errresp"
)

// buildChallenges builds the WWW-Authenticate values for the accepted sources:
// Bearer (RFC 6750), APIKey (for the APIKey scheme and the X-API-Key header,
// which it names with a header parameter) and Cookie (naming the cookie; no
// registered scheme exists for cookies, so the challenge only tells a client
// where the credential goes).
func buildChallenges(src CredentialSource, realm, cookie string) (plain, bad []string, bearer string) {
	r := `realm="` + realm + `"`
	if src&FromBearer != 0 {
		bearer = "Bearer " + r
		plain = append(plain, bearer)
		bad = append(bad, bearer+`, error="invalid_token"`)
	}
	if src&(FromAPIKeyScheme|FromAPIKeyHeader) != 0 {
		v := "APIKey " + r
		if src&FromAPIKeyHeader != 0 {
			v += `, header="X-API-Key"`
		}
		plain = append(plain, v)
		bad = append(bad, v)
	}
	if src&FromCookie != 0 {
		v := "Cookie " + r + `, cookie="` + cookie + `"`
		plain = append(plain, v)
		bad = append(bad, v)
	}
	return plain, bad, bearer
}

func acceptedList(src CredentialSource, cookie string) string {
	var parts []string
	if src&FromAPIKeyHeader != 0 {
		parts = append(parts, "X-API-Key header")
	}
	if src&FromBearer != 0 {
		parts = append(parts, "Authorization: Bearer")
	}
	if src&FromAPIKeyScheme != 0 {
		parts = append(parts, "Authorization: APIKey")
	}
	if src&FromCookie != 0 {
		parts = append(parts, "the "+cookie+" cookie")
	}
	return strings.Join(parts, ", ")
}

// isToken reports whether s is an RFC 9110 token (cookie names are tokens).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// isQuotable reports whether s can go inside a quoted-string as it is.
func isQuotable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func (a *Authenticator) errWrongScheme() *errresp.Error {
	return &errresp.Error{Kind: errresp.WrongAuthScheme, Info: map[string]any{"accepted": a.accepted}}
}
