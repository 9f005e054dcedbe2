package auth_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/errresp"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 5000)
	cases := []struct {
		name   string
		opts   []auth.Option
		header []string
		kind   errresp.Kind // Unknown: extracted
		source auth.CredentialSource
		secret string
	}{
		{"nothing", nil, nil, errresp.NotAuthenticated, 0, ""},
		{"empty X-API-Key", nil, []string{"X-API-Key", " "}, errresp.NotAuthenticated, auth.FromAPIKeyHeader, ""},
		{"scheme alone", nil, []string{"Authorization", "Bearer"}, errresp.NotAuthenticated, auth.FromBearer, ""},
		{"scheme and spaces", nil, []string{"Authorization", "APIKey    "}, errresp.NotAuthenticated, auth.FromAPIKeyScheme, ""},
		{"bare token", nil, []string{"Authorization", "abcdef0123456789"}, errresp.WrongAuthScheme, 0, ""},
		{"digest", nil, []string{"Authorization", `Digest username="x"`}, errresp.WrongAuthScheme, 0, ""},
		{"two Authorization headers", nil, []string{"Authorization", "Bearer a", "Authorization", "Bearer b"}, errresp.CredentialMalformed, auth.FromBearer | auth.FromAPIKeyHeader, ""},
		{"Authorization and X-API-Key", nil, []string{"Authorization", "Bearer a", "X-API-Key", "b"}, errresp.CredentialMalformed, auth.FromBearer | auth.FromAPIKeyHeader, ""},
		{"token with a space", nil, []string{"Authorization", "Bearer abc def"}, errresp.CredentialMalformed, auth.FromBearer, "abc def"},
		{"token with a control byte", nil, []string{"X-API-Key", "abc\x01def"}, errresp.CredentialMalformed, auth.FromAPIKeyHeader, "abc\x01def"},
		{"token not ASCII", nil, []string{"X-API-Key", "clé-secrète"}, errresp.CredentialMalformed, auth.FromAPIKeyHeader, "clé-secrète"},
		{"token too long", nil, []string{"X-API-Key", long}, errresp.CredentialMalformed, auth.FromAPIKeyHeader, long},
		{"token just long enough", []auth.Option{auth.WithMaxLength(5000)}, []string{"X-API-Key", long}, errresp.Unknown, auth.FromAPIKeyHeader, long},
		{"bearer not accepted", []auth.Option{auth.WithSources(auth.FromAPIKeyHeader)}, []string{"Authorization", "Bearer abc"}, errresp.WrongAuthScheme, 0, ""},
		{"X-API-Key not accepted", []auth.Option{auth.WithSources(auth.FromBearer)}, []string{"X-API-Key", "abc"}, errresp.WrongAuthScheme, auth.FromAPIKeyHeader, "abc"},
		{"cookie not accepted", nil, []string{"Cookie", "session=abc"}, errresp.NotAuthenticated, 0, ""},
		{"cookie", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "sid=abc"}, errresp.Unknown, auth.FromCookie, "abc"},
		{"cookie empty", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "sid="}, errresp.NotAuthenticated, auth.FromCookie, ""},
		{"cookie among others", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "a=1;sid=abc ; b=2"}, errresp.Unknown, auth.FromCookie, "abc"},
		{"cookie in the second line", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "a=1", "Cookie", "sid=abc"}, errresp.Unknown, auth.FromCookie, "abc"},
		{"cookie quoted", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", `sid="abc"`}, errresp.Unknown, auth.FromCookie, "abc"},
		{"cookie twice, first wins", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "sid=abc; sid=def"}, errresp.Unknown, auth.FromCookie, "abc"},
		{"cookie with a comma", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "sid=a,b"}, errresp.Unknown, auth.FromCookie, "a,b"},
		{"cookie name as a prefix", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "sidx=abc; xsid=def"}, errresp.NotAuthenticated, 0, ""},
		{"cookie without a value", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "sid"}, errresp.NotAuthenticated, 0, ""},
		{"cookie of another name", []auth.Option{auth.WithCookie("sid")}, []string{"Cookie", "session=abc"}, errresp.NotAuthenticated, 0, ""},
		{"APIKey scheme", nil, []string{"Authorization", "apikey abc"}, errresp.Unknown, auth.FromAPIKeyScheme, "abc"},
		{"refused by the shape check", []auth.Option{auth.WithWellFormed(authKeyShape)}, []string{"X-API-Key", "short"}, errresp.CredentialMalformed, auth.FromAPIKeyHeader, "short"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := auth.New(new(auth.KeyRing), tc.opts...)
			c, err := a.Extract(authReq("GET", "/", "", tc.header...))
			if got := errresp.KindOf(err); got != tc.kind {
				t.Errorf("kind = %v (%v), want %v", got, err, tc.kind)
			}
			if c.Source != tc.source || c.Secret != tc.secret {
				t.Errorf("credential = %v %q, want %v %q", c.Source, c.Secret, tc.source, tc.secret)
			}
		})
	}
}

func TestNewKeyMalformedNeverEchoesTheSecret(t *testing.T) {
	t.Parallel()
	cases := []struct{ secret, want string }{
		{"", "Bad permanent token."},
		{"ab", "Bad permanent token."},
		{"abc", "Bad permanent token: a..."},
		{"1234", "Bad permanent token: 1..."},
		{"gcore_123456789abcdef", "Bad permanent token: gcore_..."},
		{"a$b$c$d$e$f$g", "Bad permanent token: a..."},
		{"<script>alert(1)</script>", "Bad permanent token."},
		{"ab\"cdefgh", "Bad permanent token: ab..."},
	}
	for _, tc := range cases {
		t.Run(tc.secret, func(t *testing.T) {
			t.Parallel()
			if got := auth.NewKeyMalformed(tc.secret).Message; got != tc.want {
				t.Errorf("message = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCredentialNeverPrintsItsSecret(t *testing.T) {
	t.Parallel()
	c := auth.Credential{Source: auth.FromBearer, Secret: "s3cr3t-value"}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "cred", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), buf.String()} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

func TestChallenges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []auth.Option
		want []string
	}{
		{"default", nil, []string{`Bearer realm="api"`, `APIKey realm="api", header="X-API-Key"`}},
		{"bearer only", []auth.Option{auth.WithSources(auth.FromBearer), auth.WithRealm("vms")}, []string{`Bearer realm="vms"`}},
		{"APIKey scheme only", []auth.Option{auth.WithSources(auth.FromAPIKeyScheme)}, []string{`APIKey realm="api"`}},
		{"cookie only", []auth.Option{auth.WithSources(auth.FromCookie)}, []string{`Cookie realm="api", cookie="session"`}},
		{"named cookie only", []auth.Option{auth.WithSources(auth.FromCookie), auth.WithCookie("sid")}, []string{`Cookie realm="api", cookie="sid"`}},
		{"cookie named before the sources", []auth.Option{auth.WithCookie("sid"), auth.WithSources(auth.FromBearer)}, []string{`Bearer realm="api"`, `Cookie realm="api", cookie="sid"`}},
		{"default sources and a cookie", []auth.Option{auth.WithCookie("sid")}, []string{`Bearer realm="api"`, `APIKey realm="api", header="X-API-Key"`, `Cookie realm="api", cookie="sid"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := auth.New(new(auth.KeyRing), append(tc.opts, authQuiet)...)
			rec := authServe(a.Require(http.NotFoundHandler()), errresp.Gcore(), "x", authReq("GET", "/", ""))
			if got := rec.Header().Values("WWW-Authenticate"); rec.Code != 401 || !slices.Equal(got, tc.want) {
				t.Errorf("got %d %q, want %q", rec.Code, got, tc.want)
			}
		})
	}
}
