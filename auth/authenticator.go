package auth

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/crossorigin"
	"github.com/apierror/apierror/internal/reqlog"
)

// Option configures an Authenticator.
type Option func(*authConfig)

type authConfig struct {
	sources  CredentialSource
	cookie   string
	realm    string
	logger   *slog.Logger
	wellForm func(Credential) bool
	maxLen   int
	insecure bool
	cookieOn bool // WithCookie was given

	crossOrigin *http.CrossOriginProtection // WithCrossOrigin; nil: the default
	crossOff    bool                        // WithAllowCrossOrigin
	guard       *FailureGuard               // WithGuard
	guardSet    bool
}

// WithSources sets where credentials are accepted from. The default is
// FromAPIKeyHeader, FromBearer and FromAPIKeyScheme; the cookie is accepted
// only when listed here or named with WithCookie. A credential in a source not
// listed is the wrong-scheme failure.
func WithSources(sources ...CredentialSource) Option {
	return func(c *authConfig) {
		c.sources = 0
		for _, s := range sources {
			c.sources |= s
		}
	}
}

// WithCookie names the session cookie and accepts credentials from it,
// whatever WithSources says. The default name, when FromCookie is listed in
// WithSources, is "session".
func WithCookie(name string) Option {
	return func(c *authConfig) {
		c.cookie = name
		c.cookieOn = true
	}
}

// WithRealm sets the realm named in WWW-Authenticate challenges; default "api".
func WithRealm(realm string) Option { return func(c *authConfig) { c.realm = realm } }

// WithLogger sets the logger for failures; default the request's logger
// (middleware.LogTo's, else slog.Default() at the time of logging). Lines
// carry request_id and, once known, principal_id; never a secret.
func WithLogger(l *slog.Logger) Option { return func(c *authConfig) { c.logger = l } }

// WithWellFormed sets a check of a credential's shape that runs before the
// Verifier: a credential it refuses is the "Bad permanent token" failure
// (CredentialMalformed), such as a key cut short at a "$" by the shell. The
// library itself refuses only credentials longer than WithMaxLength or holding
// bytes outside printable ASCII.
func WithWellFormed(fn func(Credential) bool) Option {
	return func(c *authConfig) { c.wellForm = fn }
}

// WithMaxLength sets the longest credential accepted, in bytes; default 4096.
func WithMaxLength(n int) Option { return func(c *authConfig) { c.maxLen = n } }

// WithInsecureCookies makes SessionCookie leave out the Secure attribute, for
// services reached over plain HTTP in development. The default sets it.
func WithInsecureCookies() Option { return func(c *authConfig) { c.insecure = true } }

// Authenticator authenticates requests: it extracts one credential from the
// sources it accepts, checks its shape, asks the Verifier whose it is, and
// stores the resulting Principal in the request's context. Every failure is
// an *errresp.Error written by errresp.Write, each its own kind:
//
//   - no credential at all: NotAuthenticated;
//   - a credential in a source or scheme not accepted (Basic, say):
//     WrongAuthScheme, whose Info "accepted" lists the sources accepted
//     ("X-API-Key header, Authorization: Bearer");
//   - a credential that cannot be a real one (too long, bytes outside
//     printable ASCII, refused by WithWellFormed): CredentialMalformed,
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
	accepted      string   // where credentials are accepted, WrongAuthScheme's Info "accepted"
	bearer        string   // the Bearer challenge's prefix, for RequireScope
}

// New returns an Authenticator asking v. It panics when v is nil
// or an option is invalid (no sources, a realm or cookie name that cannot be
// sent in a header, a maximum length below 1).
func New(v Verifier, opts ...Option) *Authenticator {
	if v == nil {
		panic("apierror/auth: New needs a Verifier")
	}
	c := authConfig{sources: FromAPIKeyHeader | FromBearer | FromAPIKeyScheme, realm: "api", maxLen: 4096}
	for _, o := range opts {
		o(&c)
	}
	if c.cookieOn {
		c.sources |= FromCookie
	}
	if c.sources == 0 || c.sources&^(FromAPIKeyHeader|FromBearer|FromAPIKeyScheme|FromCookie) != 0 {
		panic("apierror/auth: WithSources needs at least one valid CredentialSource")
	}
	if c.cookie == "" {
		c.cookie = "session"
	}
	if !isToken(c.cookie) {
		panic("apierror/auth: invalid cookie name " + c.cookie)
	}
	if c.realm == "" || !isQuotable(c.realm) {
		panic("apierror/auth: the realm must be printable ASCII without quotes or backslashes")
	}
	if c.maxLen < 1 {
		panic("apierror/auth: WithMaxLength must be at least 1")
	}
	a := &Authenticator{verify: v, sources: c.sources, cookie: c.cookie, logger: c.logger,
		wellForm: c.wellForm, maxLen: c.maxLen, insecure: c.insecure, cross: c.crossOrigin, guard: c.guard}
	if a.cross == nil && !c.crossOff {
		a.cross = http.NewCrossOriginProtection()
	}
	if !c.guardSet {
		a.guard = NewFailureGuard()
	}
	a.challenges, a.challengesBad, a.bearer = buildChallenges(c.sources, c.realm, c.cookie)
	a.accepted = acceptedList(c.sources, c.cookie)
	return a
}

// Require is middleware that lets through only requests whose credential the
// Verifier accepts, with the Principal in the context (see principal.FromContext).
func (a *Authenticator) Require(next http.Handler) http.Handler { return a.middleware(next, false) }

// Optional is middleware like Require, except that a request carrying no
// credential at all goes through anonymously (principal.FromContext returns nil), so
// that RequirePermission further in can answer it. A credential that is
// present but bad still fails.
func (a *Authenticator) Optional(next http.Handler) http.Handler { return a.middleware(next, true) }

func (a *Authenticator) middleware(next http.Handler, optional bool) http.Handler {
	if next == nil {
		panic("apierror/auth: Authenticator needs a next handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, e := a.extract(r)
		var res *Reservation
		if a.guard != nil && (e == nil || e.Kind != errresp.NotAuthenticated) {
			// A credential was tried: count it as a failure at the door,
			// given back if it proves valid; refuse it unchecked from an
			// address that has failed too often.
			var err error
			if res, err = a.guard.reserveFor(r.Context(), a.guard.key(r), c.Secret); err != nil {
				a.fail(w, r, errresp.From(err), c.Source, nil)
				return
			}
			defer res.settle(verdictGuess) // a panic in the Verifier: a guess
		}
		if e != nil {
			if optional && c.Source == 0 && e.Kind == errresp.NotAuthenticated {
				next.ServeHTTP(w, withAuth(r, authContext{auth: a}))
				return
			}
			a.fail(w, r, e, c.Source, res)
			return
		}
		if c.Source == FromCookie && a.cross != nil && crossorigin.Refuse(w, r, a.cross, a.logger) {
			res.Cancel()
			return
		}
		p, err := a.verify.Verify(r.Context(), c)
		if err == nil && p == nil {
			err = NewKeyInvalid()
			if c.Source == FromCookie {
				err = NewSessionExpired()
			}
		}
		if err != nil {
			a.fail(w, r, errresp.From(err), c.Source, res)
			return
		}
		res.settle(verdictValid)
		next.ServeHTTP(w, withAuth(r, authContext{principal: p, auth: a, source: c.Source}))
	})
}

// Fail writes err for r as the Authenticator's own failures are written: a
// 401 (in the request's style) gets the WWW-Authenticate challenges, and a
// line is logged. Use it in the handlers of a sign-in flow (wrong password,
// wrong one-time code) so they answer like the middleware: behind Throttle,
// a failure that counts keeps the failure Throttle reserved; elsewhere it
// is counted now. err is not modified; a nil err writes nothing.
func (a *Authenticator) Fail(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	a.fail(w, r, errresp.From(err), 0, nil)
}

// fail writes e; res is the failure reserved for the request, kept when e
// is a guess and given back otherwise.
func (a *Authenticator) fail(w http.ResponseWriter, r *http.Request, e *errresp.Error, src CredentialSource, res *Reservation) {
	if a.guard != nil {
		a.settle(r, e, res)
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
	reqlog.Log(a.logger, r, level, "authentication failed", attrs...)
	_, _ = errresp.Write(w, r, e)
}

// SessionCookie returns the cookie that carries a session id under the
// Authenticator's cookie name: Path /, HttpOnly, SameSite=Lax, Secure (unless
// WithInsecureCookies), and Max-Age ttl (a browser-session cookie when ttl is
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
