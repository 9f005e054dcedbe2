package middleware

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apierror/apierror/errresp"
)

// CredentialSource is where a request carried its credential. An
// Authenticator accepts the sources given to AuthSources; the values combine
// as a bit set.
type CredentialSource uint8

// The credential sources.
const (
	// FromAPIKeyHeader is the X-API-Key request header.
	FromAPIKeyHeader CredentialSource = 1 << iota
	// FromBearer is "Authorization: Bearer <token>" (RFC 6750).
	FromBearer
	// FromAPIKeyScheme is "Authorization: APIKey <key>".
	FromAPIKeyScheme
	// FromCookie is the session cookie (named by AuthCookie, "session" by default).
	FromCookie
)

// String returns a short name of the source for log lines: "x-api-key",
// "bearer", "apikey", "cookie", or "none".
func (s CredentialSource) String() string {
	switch s {
	case FromAPIKeyHeader:
		return "x-api-key"
	case FromBearer:
		return "bearer"
	case FromAPIKeyScheme:
		return "apikey"
	case FromCookie:
		return "cookie"
	case 0:
		return "none"
	}
	return "mixed"
}

// Credential is what an Authenticator found in a request and hands to the
// Verifier. Its String, GoString and LogValue never show the secret, so a
// Credential may be logged or printed by mistake without leaking it.
type Credential struct {
	// Source is where the credential came from.
	Source CredentialSource
	// Secret is the API key, token or session id, exactly as sent.
	Secret string
}

// String describes the credential without its secret.
func (c Credential) String() string { return c.Source.String() + " credential (redacted)" }

// GoString is String, so that %#v does not print the secret either.
func (c Credential) GoString() string { return c.String() }

// LogValue implements slog.LogValuer: the source only, never the secret.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.Source.String()) }

// Verifier turns a credential into the caller it belongs to. It is the one
// piece a service writes; the Authenticator does everything around it.
//
// Verify returns the principal, or an error that says why not. Return the
// *errresp.Error of the failure (ErrKeyInvalid, ErrKeyExpired,
// ErrSessionExpired, ErrKeyMalformed, or any other kind) so the client is told
// the right reason; any other error (a database down) is answered as Internal
// and logged with its cause. A nil principal with a nil error is answered as
// ErrKeyInvalid (ErrSessionExpired for a cookie). A Verifier must be safe for
// concurrent use.
type Verifier interface {
	Verify(ctx context.Context, c Credential) (*Principal, error)
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(ctx context.Context, c Credential) (*Principal, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, c Credential) (*Principal, error) { return f(ctx, c) }

// AuthOption configures an Authenticator.
type AuthOption func(*authConfig)

type authConfig struct {
	sources  CredentialSource
	cookie   string
	realm    string
	logger   *slog.Logger
	wellForm func(Credential) bool
	maxLen   int
	insecure bool
	cookieOn bool // AuthCookie was given

	crossOrigin *http.CrossOriginProtection // AuthCrossOrigin; nil: the default
	crossOff    bool                        // AuthAllowCrossOrigin
	guard       *FailureGuard               // AuthGuard
	guardSet    bool
}

// AuthSources sets where credentials are accepted from. The default is
// FromAPIKeyHeader, FromBearer and FromAPIKeyScheme; the cookie is accepted
// only when listed here or named with AuthCookie. A credential in a source not
// listed is the wrong-scheme failure.
func AuthSources(sources ...CredentialSource) AuthOption {
	return func(c *authConfig) {
		c.sources = 0
		for _, s := range sources {
			c.sources |= s
		}
	}
}

// AuthCookie names the session cookie and accepts credentials from it,
// whatever AuthSources says. The default name, when FromCookie is listed in
// AuthSources, is "session".
func AuthCookie(name string) AuthOption {
	return func(c *authConfig) {
		c.cookie = name
		c.cookieOn = true
	}
}

// AuthRealm sets the realm named in WWW-Authenticate challenges; default "api".
func AuthRealm(realm string) AuthOption { return func(c *authConfig) { c.realm = realm } }

// AuthLogger sets the logger for failures; default the package's logger (see
// SetLogger) at the time of logging. Lines carry request_id and, once known, principal_id; never a
// secret.
func AuthLogger(l *slog.Logger) AuthOption { return func(c *authConfig) { c.logger = l } }

// AuthWellFormed sets a check of a credential's shape that runs before the
// Verifier: a credential it refuses is the "Bad permanent token" failure
// (CredentialMalformed), such as a key cut short at a "$" by the shell. The
// library itself refuses only credentials longer than AuthMaxLength or holding
// bytes outside printable ASCII.
func AuthWellFormed(fn func(Credential) bool) AuthOption {
	return func(c *authConfig) { c.wellForm = fn }
}

// AuthMaxLength sets the longest credential accepted, in bytes; default 4096.
func AuthMaxLength(n int) AuthOption { return func(c *authConfig) { c.maxLen = n } }

// AuthInsecureCookies makes SessionCookie leave out the Secure attribute, for
// services reached over plain HTTP in development. The default sets it.
func AuthInsecureCookies() AuthOption { return func(c *authConfig) { c.insecure = true } }

// Authenticator authenticates requests: it extracts one credential from the
// sources it accepts, checks its shape, asks the Verifier whose it is, and
// stores the resulting Principal in the request's context. Every failure is
// an *errresp.Error written by errresp.Write, each its own kind:
//
//   - no credential at all: NotAuthenticated;
//   - a credential in a source or scheme not accepted (Basic, say):
//     WrongAuthScheme ("Given token not valid for any token type");
//   - a credential that cannot be a real one (too long, bytes outside
//     printable ASCII, refused by AuthWellFormed): CredentialMalformed,
//     echoing at most a short prefix ("Bad permanent token: abc...");
//   - whatever the Verifier answers (CredentialInvalid, CredentialExpired,
//     SessionExpired, ...).
//
// Every answer whose status is 401 in the request's style carries
// WWW-Authenticate challenges naming the accepted schemes (RFC 9110 §11.6.1),
// with error="invalid_token" on the Bearer challenge when a Bearer token was
// refused (RFC 6750 §3.1). The message never goes into the header.
//
// An Authenticator is safe for concurrent use.
type Authenticator struct {
	verify   Verifier
	sources  CredentialSource
	cookie   string
	logger   *slog.Logger
	wellForm func(Credential) bool
	maxLen   int
	insecure bool
	cross    *http.CrossOriginProtection // checks cookie requests; nil: off
	guard    *FailureGuard               // counts failed credentials; nil: off

	challenges    []string // one per accepted scheme, no error parameter
	challengesBad []string // the same, Bearer with error="invalid_token"
	wrongScheme   string   // the WrongAuthScheme message
	bearer        string   // the Bearer challenge's prefix, for RequireScope
}

// NewAuthenticator returns an Authenticator asking v. It panics when v is nil
// or an option is invalid (no sources, a realm or cookie name that cannot be
// sent in a header, a maximum length below 1).
func NewAuthenticator(v Verifier, opts ...AuthOption) *Authenticator {
	if v == nil {
		panic("apierror/middleware: NewAuthenticator needs a Verifier")
	}
	c := authConfig{sources: FromAPIKeyHeader | FromBearer | FromAPIKeyScheme, realm: "api", maxLen: 4096}
	for _, o := range opts {
		o(&c)
	}
	if c.cookieOn {
		c.sources |= FromCookie
	}
	if c.sources == 0 || c.sources&^(FromAPIKeyHeader|FromBearer|FromAPIKeyScheme|FromCookie) != 0 {
		panic("apierror/middleware: AuthSources needs at least one valid CredentialSource")
	}
	if c.cookie == "" {
		c.cookie = "session"
	}
	if !authToken(c.cookie) {
		panic("apierror/middleware: invalid cookie name " + c.cookie)
	}
	if c.realm == "" || !authQuotable(c.realm) {
		panic("apierror/middleware: the realm must be printable ASCII without quotes or backslashes")
	}
	if c.maxLen < 1 {
		panic("apierror/middleware: AuthMaxLength must be at least 1")
	}
	a := &Authenticator{verify: v, sources: c.sources, cookie: c.cookie, logger: c.logger,
		wellForm: c.wellForm, maxLen: c.maxLen, insecure: c.insecure, cross: c.crossOrigin, guard: c.guard}
	if a.cross == nil && !c.crossOff {
		a.cross = http.NewCrossOriginProtection()
	}
	if !c.guardSet {
		a.guard = NewFailureGuard()
	}
	a.challenges, a.challengesBad, a.bearer = authChallenges(c.sources, c.realm, c.cookie)
	a.wrongScheme = "Given token not valid for any token type. Accepted: " + authAccepted(c.sources, c.cookie) + "."
	return a
}

// Authenticate is NewAuthenticator(v, opts...).Require: middleware that lets
// only authenticated requests through.
func Authenticate(v Verifier, opts ...AuthOption) func(http.Handler) http.Handler {
	return NewAuthenticator(v, opts...).Require
}

// authChallenges builds the WWW-Authenticate values for the accepted sources:
// Bearer (RFC 6750), APIKey (for the APIKey scheme and the X-API-Key header,
// which it names with a header parameter) and Cookie (naming the cookie; no
// registered scheme exists for cookies, so the challenge only tells a client
// where the credential goes).
func authChallenges(src CredentialSource, realm, cookie string) (plain, bad []string, bearer string) {
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

func authAccepted(src CredentialSource, cookie string) string {
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

// authToken reports whether s is an RFC 9110 token (cookie names are tokens).
func authToken(s string) bool {
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

// authQuotable reports whether s can go inside a quoted-string as it is.
func authQuotable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Require is middleware that lets through only requests whose credential the
// Verifier accepts, with the Principal in the context (see PrincipalFrom).
func (a *Authenticator) Require(next http.Handler) http.Handler { return a.middleware(next, false) }

// Optional is middleware like Require, except that a request carrying no
// credential at all goes through anonymously (PrincipalFrom returns nil), so
// that RequirePermission further in can answer it. A credential that is
// present but bad still fails.
func (a *Authenticator) Optional(next http.Handler) http.Handler { return a.middleware(next, true) }

func (a *Authenticator) middleware(next http.Handler, optional bool) http.Handler {
	if next == nil {
		panic("apierror/middleware: Authenticator needs a next handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, e := a.extract(r)
		if a.guard != nil && (e == nil || e.Kind != errresp.NotAuthenticated) {
			// A credential was tried: refuse it unchecked from an address
			// that has failed too often.
			if err := a.guard.Check(r); err != nil {
				a.fail(w, r, errresp.From(err), c.Source)
				return
			}
		}
		if e != nil {
			if optional && c.Source == 0 && e.Kind == errresp.NotAuthenticated {
				next.ServeHTTP(w, r.WithContext(&authContext{Context: r.Context(), auth: a}))
				return
			}
			a.fail(w, r, e, c.Source)
			return
		}
		if c.Source == FromCookie && a.cross != nil && crossOriginRefuse(w, r, a.cross, a.logger) {
			return
		}
		p, err := a.verify.Verify(r.Context(), c)
		if err == nil && p == nil {
			err = ErrKeyInvalid()
			if c.Source == FromCookie {
				err = ErrSessionExpired()
			}
		}
		if err != nil {
			a.fail(w, r, errresp.From(err), c.Source)
			return
		}
		next.ServeHTTP(w, r.WithContext(&authContext{Context: r.Context(), principal: p, auth: a, source: c.Source}))
	})
}

// Extract returns the one credential r carries in the sources a accepts, or
// the *errresp.Error saying why there is none usable: NotAuthenticated,
// WrongAuthScheme or CredentialMalformed; the Credential then tells which
// source was tried. It does not call the Verifier. A
// header credential (Authorization or X-API-Key) takes precedence over the
// cookie; sending both headers, or either twice, is malformed.
func (a *Authenticator) Extract(r *http.Request) (Credential, error) {
	c, e := a.extract(r)
	if e != nil {
		return c, e
	}
	return c, nil
}

func (a *Authenticator) extract(r *http.Request) (Credential, *errresp.Error) {
	authz := r.Header["Authorization"]
	keys := r.Header["X-Api-Key"]
	var c Credential
	switch {
	case len(authz)+len(keys) > 1:
		return Credential{Source: FromBearer | FromAPIKeyHeader}, errresp.New(errresp.CredentialMalformed,
			"Send one credential: a single Authorization or X-API-Key header.")
	case len(authz) == 1:
		v := strings.TrimSpace(authz[0])
		if v == "" {
			return Credential{}, ErrNotAuthenticated()
		}
		scheme, token, _ := strings.Cut(v, " ")
		token = strings.TrimLeft(token, " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			c.Source = FromBearer
		case strings.EqualFold(scheme, "APIKey"):
			c.Source = FromAPIKeyScheme
		}
		if c.Source == 0 || a.sources&c.Source == 0 {
			return Credential{}, a.errWrongScheme()
		}
		c.Secret = token
	case len(keys) == 1:
		c = Credential{Source: FromAPIKeyHeader, Secret: strings.TrimSpace(keys[0])}
		if a.sources&FromAPIKeyHeader == 0 {
			return c, a.errWrongScheme()
		}
	case a.sources&FromCookie != 0:
		v, ok := authCookie(r.Header["Cookie"], a.cookie)
		if !ok {
			return Credential{}, ErrNotAuthenticated()
		}
		c = Credential{Source: FromCookie, Secret: v}
	default:
		return Credential{}, ErrNotAuthenticated()
	}
	if c.Secret == "" {
		return c, ErrNotAuthenticated()
	}
	if len(c.Secret) > a.maxLen || !authPrintable(c.Secret) || (a.wellForm != nil && !a.wellForm(c)) {
		return c, ErrKeyMalformed(c.Secret)
	}
	return c, nil
}

// authCookie returns the value of the first cookie called name in the Cookie
// header lines (RFC 6265 §4.2.1: "name=value" pairs separated by ";"), with
// the optional double quotes removed. Unlike http.Request.Cookie it does not
// allocate; the value's bytes are checked by the caller.
func authCookie(lines []string, name string) (string, bool) {
	for _, line := range lines {
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || k != name {
				continue
			}
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

func (a *Authenticator) errWrongScheme() *errresp.Error {
	return &errresp.Error{Kind: errresp.WrongAuthScheme, DefaultMessage: a.wrongScheme}
}

// authPrintable reports whether s is all visible ASCII (no spaces, controls
// or bytes above 0x7e), which every key, token and cookie value is.
func authPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Fail writes err for r as the Authenticator's own failures are written: a
// 401 (in the request's style) gets the WWW-Authenticate challenges, and a
// line is logged. Use it in the handlers of a sign-in flow (wrong password,
// wrong one-time code) so they answer like the middleware. err is not
// modified; a nil err writes nothing.
func (a *Authenticator) Fail(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	a.fail(w, r, errresp.From(err), 0)
}

func (a *Authenticator) fail(w http.ResponseWriter, r *http.Request, e *errresp.Error, src CredentialSource) {
	if a.guard != nil && guardCounts(e.Kind) {
		a.guard.Fail(r)
	}
	if e.Status(errresp.StyleOf(r)) == http.StatusUnauthorized && len(e.Header["Www-Authenticate"]) == 0 {
		c := *e
		c.Header = e.Header.Clone()
		ch := a.challenges
		if src == FromBearer {
			switch c.Kind {
			case errresp.CredentialInvalid, errresp.CredentialExpired, errresp.CredentialMalformed:
				ch = a.challengesBad
			}
		}
		for _, v := range ch {
			c.WithHeader("WWW-Authenticate", v)
		}
		e = &c
	}
	level := slog.LevelInfo
	attrs := []slog.Attr{slog.String("kind", e.Kind.String()), slog.String("source", src.String())}
	if e.Kind == errresp.Internal || e.Kind == errresp.Unknown {
		level = slog.LevelError
		if e.Err != nil {
			attrs = append(attrs, slog.String("error", e.Err.Error()))
		}
	}
	authLog(r, a.logger, level, "authentication failed", attrs...)
	_, _ = errresp.Write(w, r, e)
}

// authLog logs one line with the request id and, when the request is
// authenticated, the principal's id (never a credential).
func authLog(r *http.Request, l *slog.Logger, level slog.Level, msg string, attrs ...slog.Attr) {
	logTo(l, r, level, msg, attrs...)
}

// SessionCookie returns the cookie that carries a session id under the
// Authenticator's cookie name: Path /, HttpOnly, SameSite=Lax, Secure (unless
// AuthInsecureCookies), and Max-Age ttl (a browser-session cookie when ttl is
// not positive).
func (a *Authenticator) SessionCookie(value string, ttl time.Duration) *http.Cookie {
	c := &http.Cookie{Name: a.cookie, Value: value, Path: "/", HttpOnly: true,
		Secure: !a.insecure, SameSite: http.SameSiteLaxMode}
	if ttl > 0 {
		c.MaxAge = int((ttl + time.Second - 1) / time.Second)
	}
	return c
}

// ClearSessionCookie returns the cookie that deletes the session cookie, for
// sign-out.
func (a *Authenticator) ClearSessionCookie() *http.Cookie {
	c := a.SessionCookie("", 0)
	c.MaxAge = -1
	return c
}

// The failures of authentication and sign-in. Each call returns a new
// *errresp.Error with a fixed message, so that every occurrence of a failure
// gives the same body: in particular ErrInvalidCredentials does not say
// whether the account exists. Where a style's page gives the message text
// for the failure (Gcore's "Token is invalid or expired"), the text here is
// the error's DefaultMessage, so that the page's words win in that style.

// ErrNotAuthenticated is the request that carries no credential.
func ErrNotAuthenticated() *errresp.Error {
	return &errresp.Error{Kind: errresp.NotAuthenticated, DefaultMessage: "Authentication credentials were not provided."}
}

// ErrKeyInvalid is an API key or token that does not exist or was revoked
// (API_KEY_INVALID).
func ErrKeyInvalid() *errresp.Error {
	return &errresp.Error{Kind: errresp.CredentialInvalid, DefaultMessage: "The API key or token doesn't exist or has been revoked."}
}

// ErrKeyExpired is an API key or token past its expiry (API_KEY_EXPIRED).
func ErrKeyExpired() *errresp.Error {
	return &errresp.Error{Kind: errresp.CredentialExpired, DefaultMessage: "The API key or token has passed its expiration date."}
}

// ErrSessionExpired is a session cookie whose session has ended or is not
// known (SESSION_EXPIRED): sessions are forgotten once they end, so an unknown
// session is answered the same way, and the remedy is the same: sign in again.
func ErrSessionExpired() *errresp.Error {
	return &errresp.Error{Kind: errresp.SessionExpired, DefaultMessage: "The session has expired. Sign in again."}
}

// ErrKeyMalformed is a credential that cannot be a real one, such as a key
// cut short at a "$" by the shell. In the Gcore reference's wording, it
// echoes at most a short prefix of what was sent ("Bad permanent token:
// abc..."): at most 6 bytes and a third of the secret, letters, digits, "-",
// "_" and "." only, so the secret itself never comes back.
func ErrKeyMalformed(secret string) *errresp.Error {
	if p := authPrefix(secret); p != "" {
		return errresp.New(errresp.CredentialMalformed, "Bad permanent token: "+p+"...")
	}
	return errresp.New(errresp.CredentialMalformed, "Bad permanent token.")
}

func authPrefix(s string) string {
	n := min(len(s)/3, 6)
	for i := 0; i < n; i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return s[:i]
		}
	}
	return s[:n]
}

// ErrInvalidCredentials is a sign-in with a wrong email or password
// (INVALID_CREDENTIALS). Answer an unknown account with it too: the body is
// the same, byte for byte. Passwords.Check returns it, after the same work in
// both cases.
func ErrInvalidCredentials() *errresp.Error {
	return errresp.New(errresp.InvalidCredentials, "The email or password provided is incorrect.")
}

// ErrTwoFactorRequired is the expected answer to a right password when a
// second factor must follow (TWO_FACTOR_REQUIRED, a 400). totpConfigured is
// sent in the envelope's extras (Info), telling the client whether to ask for
// an authenticator-app code or to have one sent by email.
func ErrTwoFactorRequired(totpConfigured bool) *errresp.Error {
	return errresp.New(errresp.TwoFactorRequired,
		"Credentials are valid, but 2FA verification is needed to complete sign-in.").With("totpConfigured", totpConfigured)
}

// ErrInvalidOTP is a one-time code that is wrong or expired (INVALID_OTP).
func ErrInvalidOTP() *errresp.Error {
	return errresp.New(errresp.InvalidOTP, "The 2FA code provided is incorrect or expired.")
}

// EqualSecret reports whether a and b are equal, in time that depends on
// neither their contents nor their lengths (both are hashed first, then the
// digests compared with crypto/subtle). Use it for one-time codes, pasted
// tokens and any other secret compared by the service itself.
func EqualSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// KeyRing is a ready-made Verifier over an in-memory set of API keys and
// sessions, for services whose credentials fit in memory (and for demos and
// tests). It keeps only SHA-256 digests of the secrets, never the secrets.
//
// Keys (AddKey) are accepted from the header sources, sessions (AddSession,
// IssueSession) only from the cookie, so a session id pasted into X-API-Key
// is refused and a key sent as a cookie is too. The answers:
//
//   - a key it does not hold, or revoked: ErrKeyInvalid;
//   - a key past its expiry: ErrKeyExpired (expired keys are kept, so the
//     client is told the real reason);
//   - a session past its expiry, revoked or unknown: ErrSessionExpired
//     (ended sessions are forgotten, so unknown is answered as ended).
//
// The zero KeyRing is empty and ready to use. It is safe for concurrent use.
// The principals it returns are shared between requests and must not be
// modified.
type KeyRing struct {
	mu       sync.RWMutex
	entries  map[[sha256.Size]byte]keyEntry
	sessions int // session entries held
	sweepAt  int // sweep expired sessions when sessions reaches this
}

type keyEntry struct {
	principal  *Principal
	expires    time.Time // zero: never
	session    bool
	wrongCodes int // wrong one-time codes for a pending sign-in (WrongCode)
}

// AddKey adds an API key for p that expires at expires (the zero time:
// never). Adding a key again replaces it. It panics on an empty secret or a
// nil principal.
func (k *KeyRing) AddKey(secret string, p *Principal, expires time.Time) {
	k.add(secret, keyEntry{principal: p, expires: expires})
}

// AddSession adds a session id for p that ends at expires (the zero time:
// never). It panics on an empty id or a nil principal.
func (k *KeyRing) AddSession(id string, p *Principal, expires time.Time) {
	k.add(id, keyEntry{principal: p, expires: expires, session: true})
}

// IssueSession creates a session for p lasting ttl from now and returns its
// id: 128 random bits as text (crypto/rand.Text). Send it with
// Authenticator.SessionCookie.
func (k *KeyRing) IssueSession(p *Principal, ttl time.Duration) string {
	id := rand.Text()
	k.AddSession(id, p, time.Now().Add(ttl))
	return id
}

func (k *KeyRing) add(secret string, e keyEntry) {
	if secret == "" || e.principal == nil {
		panic("apierror/middleware: KeyRing needs a secret and a principal")
	}
	d := sha256.Sum256([]byte(secret))
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.entries == nil {
		k.entries = make(map[[sha256.Size]byte]keyEntry)
	}
	if old, ok := k.entries[d]; ok && old.session {
		k.sessions--
	}
	k.entries[d] = e
	if e.session {
		k.sessions++
		if k.sessions >= k.sweepAt {
			k.sweepLocked(time.Now())
		}
	}
}

// sweepLocked forgets sessions that have ended; k.mu must be held for
// writing. It runs when the session count has doubled since the last sweep,
// so its cost is amortised over the sessions added.
func (k *KeyRing) sweepLocked(now time.Time) {
	for d, e := range k.entries {
		if e.session && !e.expires.IsZero() && !now.Before(e.expires) {
			delete(k.entries, d)
			k.sessions--
		}
	}
	k.sweepAt = max(2*k.sessions, 64)
}

// Revoke removes a key or session and reports whether it was held. A revoked
// key is answered as ErrKeyInvalid, a revoked session as ErrSessionExpired.
func (k *KeyRing) Revoke(secret string) bool {
	d := sha256.Sum256([]byte(secret))
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[d]
	if ok {
		delete(k.entries, d)
		if e.session {
			k.sessions--
		}
	}
	return ok
}

// Verify implements Verifier at the current time.
func (k *KeyRing) Verify(_ context.Context, c Credential) (*Principal, error) {
	return k.VerifyAt(c, time.Now())
}

// VerifyAt is Verify at the instant now.
func (k *KeyRing) VerifyAt(c Credential, now time.Time) (*Principal, error) {
	d := sha256.Sum256([]byte(c.Secret))
	k.mu.RLock()
	e, ok := k.entries[d]
	k.mu.RUnlock()
	session := c.Source == FromCookie
	switch {
	case !ok || e.session != session:
		if session {
			return nil, ErrSessionExpired()
		}
		return nil, ErrKeyInvalid()
	case !e.expires.IsZero() && !now.Before(e.expires):
		if session {
			return nil, ErrSessionExpired()
		}
		return nil, ErrKeyExpired()
	}
	return e.principal, nil
}

// DefaultPasswordIterations is the PBKDF2-HMAC-SHA256 iteration count
// Passwords uses when none is set (OWASP's 2023 recommendation).
const DefaultPasswordIterations = 600_000

// Passwords hashes and checks passwords with PBKDF2-HMAC-SHA256 from the
// standard library, in the form "pbkdf2-sha256$<iterations>$<salt>$<key>"
// (unpadded base64). The zero value uses DefaultPasswordIterations.
//
// Check answers an unknown account (an empty stored hash) and a wrong password
// with the same error after the same work: one key derivation with the same
// iteration count, salt and key lengths, and one constant-time comparison. So
// the body and, to within noise, the time do not tell a client whether an
// account exists. Keep every stored hash at the Passwords' own iteration
// count (rehash on sign-in when it changes) so that this holds.
type Passwords struct {
	// Iterations is the PBKDF2 iteration count of new hashes and of the work
	// done for unknown accounts; 0 means DefaultPasswordIterations.
	Iterations int
}

const (
	authSaltLen = 16
	authKeyLen  = 32
	authMaxIter = 100_000_000
)

// authDummySalt and the zero key are what an unknown account is checked
// against: the same lengths as a real hash, and no password derives to zeros.
var (
	authDummySalt = [authSaltLen]byte{'a', 'p', 'i', 'e', 'r', 'r', 'o', 'r', '-', 'u', 'n', 'k', 'n', 'o', 'w', 'n'}
	authDummyKey  [authKeyLen]byte
)

func (p Passwords) iterations() int {
	if p.Iterations > 0 {
		return p.Iterations
	}
	return DefaultPasswordIterations
}

// Hash returns the encoded hash of password with a fresh random salt. It
// fails only if the iteration count is above 100 000 000.
func (p Passwords) Hash(password string) (string, error) {
	iter := p.iterations()
	if iter > authMaxIter {
		return "", errors.New("apierror/middleware: password iteration count too high")
	}
	var salt [authSaltLen]byte
	_, _ = rand.Read(salt[:]) // crypto/rand.Read never fails
	key, err := pbkdf2.Key(sha256.New, password, salt[:], iter, authKeyLen)
	if err != nil {
		return "", err
	}
	return "pbkdf2-sha256$" + strconv.Itoa(iter) + "$" + base64.RawStdEncoding.EncodeToString(salt[:]) +
		"$" + base64.RawStdEncoding.EncodeToString(key), nil
}

// Check returns nil when password matches the encoded hash, and
// ErrInvalidCredentials when it does not or when encoded is empty (pass the
// empty string for an account that does not exist). A stored hash that
// cannot be parsed is a server fault: an Internal error whose cause says so.
func (p Passwords) Check(encoded, password string) error {
	salt, key, iter, known, ok := p.target(encoded)
	if !ok {
		return errresp.Wrap(errresp.Internal, errors.New("apierror/middleware: stored password hash is malformed"), "")
	}
	if !authCheck(salt, key, iter, password) || !known {
		return ErrInvalidCredentials()
	}
	return nil
}

// target returns what Check derives and compares password against: the
// stored hash's parameters, or for an unknown account (encoded empty) the
// dummy salt and key at the Passwords' own iteration count, so that both take
// the same work. ok is false when encoded cannot be parsed.
func (p Passwords) target(encoded string) (salt, key []byte, iter int, known, ok bool) {
	if encoded == "" {
		return authDummySalt[:], authDummyKey[:], p.iterations(), false, true
	}
	iter, salt, key, ok = authParseHash(encoded)
	return salt, key, iter, true, ok
}

// authCheck derives the key for password and compares it with key in
// constant time. Both paths of Passwords.Check go through it.
func authCheck(salt, key []byte, iter int, password string) bool {
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(key))
	return err == nil && subtle.ConstantTimeCompare(got, key) == 1
}

func authParseHash(s string) (iter int, salt, key []byte, ok bool) {
	alg, rest, _ := strings.Cut(s, "$")
	n, rest, _ := strings.Cut(rest, "$")
	salt64, key64, _ := strings.Cut(rest, "$")
	if alg != "pbkdf2-sha256" {
		return 0, nil, nil, false
	}
	iter, err := strconv.Atoi(n)
	if err != nil || iter < 1 || iter > authMaxIter {
		return 0, nil, nil, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(salt64)
	key, err2 := base64.RawStdEncoding.DecodeString(key64)
	if err1 != nil || err2 != nil || len(salt) == 0 || len(key) == 0 || len(key) > 64 {
		return 0, nil, nil, false
	}
	return iter, salt, key, true
}
