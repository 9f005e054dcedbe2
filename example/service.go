package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/validation"
)

// The demo credentials, fixed so that the README and the tests can use them.
// API keys have a shape the service checks before looking them up
// (demoKeyShape), as real providers' keys do: "demo_" and 27 more lowercase
// letters, digits or "_", 32 bytes in all. A key cut short (at a "$" by the
// shell) is then a malformed credential, not an unknown one.
const (
	keyAdmin        = "demo_admin_7f3a9c1e5b2d40688acd1"
	keyReader       = "demo_reader_7f3a9c1e5b2d40688acd"
	keyExpired      = "demo_expired_7f3a9c1e5b2d40688ac"
	keyRevoked      = "demo_revoked_7f3a9c1e5b2d40688ac"
	demoEmail       = "demo@example.com"
	demoPassword    = "correct-horse"
	demoOTP         = "123456"
	pendingCookie   = "pending_2fa"
	sampleID        = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	permRead        = "vms:read"
	permWrite       = "vms:write"
	vmQuota         = 3
	maxBody         = 64 << 10
	sessionLifetime = time.Hour
	pendingLifetime = 5 * time.Minute
	codeBurst       = 5               // wrong one-time codes an account may make in a row,
	codeEvery       = 5 * time.Minute // then one every 5 minutes, whatever the address
)

// demoSessionKey signs the demo's session ids (auth.SessionIDs), so that a
// session that has ended is told from a guess. A real service loads its key
// from its secrets, one for all its instances.
const demoSessionKey = "demo-only-session-key-not-secret"

// demoSessions signs the session ids; expiredSession is the demo session
// that has ended.
var (
	demoSessions   = auth.NewSessionIDs([]byte(demoSessionKey))
	expiredSession = demoSessions.Sign("demo-expired-session")
)

// service is the demo API: an in-memory set of virtual machines behind the
// library's middleware.
type service struct {
	style     *errresp.Style
	problem   *errresp.Style // the style a client gets by asking for application/problem+json
	store     ratelimit.Store
	keys      auth.KeyRing // API keys and signed-in sessions
	pending   auth.KeyRing // sessions waiting for their second factor
	auth      *auth.Authenticator
	twoFactor *auth.Authenticator
	guard     *auth.FailureGuard // failed credentials per address, shared by both
	codeGuard *auth.FailureGuard // wrong one-time codes per account, whatever the address
	passwords signin.Passwords
	accounts  map[string]string // email → password hash
	user      *principal.Principal
	decoder   *validation.Decoder

	// idem keeps the Idempotency-Key records of POST /v1/vms; mounted
	// before the create limit, so that a replay, which creates nothing, does
	// not count against it.
	idem idempotency.Store

	mu  sync.Mutex
	vms map[string]*vm
}

func newService(style *errresp.Style, store ratelimit.Store) *service {
	s := &service{
		style:   style,
		problem: errresp.Problem(),
		store:   store,
		idem:    idempotency.NewMemoryStore(),
		// The default iteration count (600 000) costs a noticeable fraction
		// of a second per sign-in; the demo trades some of it for speed.
		passwords: signin.Passwords{Iterations: 100_000},
		user:      &principal.Principal{ID: "demo-user", Permissions: []string{permRead, permWrite}},
		decoder: validation.New(validation.WithMaxBytes(maxBody),
			validation.WithRule("vmname", validation.Match(`[a-z0-9-]+`),
				"{field} may contain only lowercase letters, digits and hyphens.")),
		vms: map[string]*vm{},
	}
	never, past := time.Time{}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	s.keys.AddKey(keyAdmin, &principal.Principal{ID: "demo-admin", Permissions: []string{permRead, permWrite}}, never)
	s.keys.AddKey(keyReader, &principal.Principal{ID: "demo-reader", Permissions: []string{permRead}}, never)
	s.keys.AddKey(keyExpired, &principal.Principal{ID: "demo-expired"}, past)
	s.keys.AddKey(keyRevoked, &principal.Principal{ID: "demo-revoked"}, never)
	s.keys.Revoke(keyRevoked)
	s.keys.AddSession(expiredSession, s.user, past)

	hash, err := s.passwords.Hash(demoPassword)
	if err != nil {
		panic(err)
	}
	s.accounts = map[string]string{demoEmail: hash}
	// Wrong keys, passwords and codes count together against the caller's
	// address; cookie requests from other sites are refused (the default).
	// With Redis, every instance counts in it, so that they keep one cap
	// between them. The session ids the rings issue are signed
	// (auth.SessionIDs), so a cookie of a session that has ended (signed
	// out, expired) is told from a guess without keeping ended sessions: a
	// stale browser tab does not lock its office's address out.
	var guardOpts []auth.GuardOption
	if _, inMemory := store.(*ratelimit.MemoryStore); !inMemory && store != nil {
		guardOpts = append(guardOpts, auth.GuardStore(store))
	}
	s.guard = auth.NewFailureGuard(guardOpts...)
	s.keys.SetSessionIDs(demoSessions)
	s.pending.SetSessionIDs(demoSessions)
	// Only a caller who knows the password reaches the second factor, so
	// counting its wrong codes per account cannot lock a stranger out.
	s.codeGuard = auth.NewFailureGuard(auth.GuardLimit(codeBurst, codeEvery))
	s.auth = auth.New(&s.keys, auth.WithInsecureCookies(), auth.WithGuard(s.guard),
		auth.WithSources(auth.FromAPIKeyHeader, auth.FromBearer, auth.FromAPIKeyScheme, auth.FromCookie),
		auth.WithWellFormed(demoKeyShape))
	s.twoFactor = auth.New(&s.pending, auth.WithInsecureCookies(), auth.WithGuard(s.guard),
		auth.WithSources(auth.FromCookie), auth.WithCookie(pendingCookie))
	return s
}

// referTo makes the types of the service's problem details lead to its
// error reference, served at base+"/errors/problem": each problem's type is
// that URL with the anchor of the problem's code, so a person who follows
// it lands on the code's entry (errresp.ProblemReference). base is the
// service's URL as its clients reach it, such as "http://127.0.0.1:8080".
func (s *service) referTo(base string) *service {
	p := errresp.NewProblem("", errresp.ProblemReference(base+problemReferencePath))
	if s.style == s.problem {
		s.style = p
	}
	s.problem = p
	return s
}

// problemReferencePath is where the problem style's reference is served,
// whatever the service's own style.
const problemReferencePath = "/errors/problem"

// Where a route is mounted, and what guards it.
const (
	open   = iota // no credentials, no limit
	signIn        // 10 attempts a minute per client IP, failed credentials counted, same-site browsers only
	v1            // credentials, 100 requests a minute per caller
)

// route is one operation: how it is served, and what the OpenAPI document
// says about it.
type route struct {
	group           int
	method, pattern string
	summary         string
	ok              int            // the success status; 0: none (sign-in always asks for a second factor)
	body            string         // the request body's schema in components, if any
	query           []string       // query parameters
	fails           []errresp.Kind // failures besides those of its group
	h               http.Handler
}

func (s *service) table() []route {
	perCaller := func(name string, n int) func(http.Handler) http.Handler {
		return ratelimit.PerMinute(n, ratelimit.WithKey(ratelimit.ByPrincipal()), ratelimit.WithStore(s.store), ratelimit.WithName(name))
	}
	read, write := auth.RequirePermission(permRead), auth.RequirePermission(permWrite)
	bodyKinds := []errresp.Kind{errresp.InvalidRequest, errresp.UnsupportedMediaType, errresp.PayloadTooLarge}
	with := func(h middleware.HandlerFunc, mw ...func(http.Handler) http.Handler) http.Handler {
		return chi.Chain(mw...).Handler(h)
	}
	return []route{
		{open, "GET", "/healthz", "Liveness probe", 200, "", nil, nil, middleware.Handler(s.healthz)},
		{open, "GET", "/errors", "The error reference of the active style (an HTML page for browsers, Markdown, or JSON with Accept: application/json)", 200, "", nil, nil, errresp.ReferenceHandler()},
		{open, "GET", problemReferencePath, "The error reference of problem details, where their types lead (HTML, Markdown or JSON as /errors)", 200, "", nil, nil, s.problem.ReferenceHandler()},
		{open, "GET", "/openapi.json", "This document", 200, "", nil, nil, middleware.Handler(s.openAPI)},
		{signIn, "POST", "/auth/sign-in/email", "Sign in with email and password; answers TWO_FACTOR_REQUIRED and sets a pending cookie", 0, "SignIn", nil,
			append(bodyKinds, errresp.InvalidCredentials, errresp.TwoFactorRequired), middleware.Handler(s.signIn)},
		{signIn, "POST", "/auth/two-factor/verify-totp", "Complete sign-in with the one-time code (5 wrong codes end the pending sign-in and refuse the account's codes for 5 minutes, then allow one every 5 minutes); sets the session cookie", 200, "VerifyTOTP", nil,
			append(bodyKinds, errresp.NotAuthenticated, errresp.SessionExpired, errresp.InvalidOTP), s.twoFactor.Require(middleware.Handler(s.verifyTOTP))},
		{v1, "POST", "/auth/sign-out", "End the session and clear its cookie", 204, "", nil, nil, middleware.Handler(s.signOut)},
		{v1, "GET", "/v1/vms", "List virtual machines (read permission)", 200, "", nil,
			[]errresp.Kind{errresp.PermissionDenied}, with(s.list, read)},
		{v1, "POST", "/v1/vms", "Create a virtual machine (write permission; 5 a minute; at most 3 per caller; an Idempotency-Key makes a retry replay the first response)", 201, "VMInput", nil,
			append(bodyKinds, errresp.PermissionDenied, errresp.Conflict, errresp.QuotaExceeded,
				errresp.IdempotencyKeyInvalid, errresp.IdempotencyKeyInUse, errresp.IdempotencyKeyReused, errresp.Unavailable),
			with(s.create, write, idempotency.New(s.idem, idempotency.WithMaxRequestBody(maxBody)), perCaller("create", 5), middleware.LimitBody(maxBody))},
		{v1, "GET", "/v1/vms/{id}", "Get a virtual machine, with its ETag", 200, "", nil,
			[]errresp.Kind{errresp.PermissionDenied, errresp.InvalidRequest, errresp.NotFound}, with(s.get, read)},
		{v1, "PUT", "/v1/vms/{id}", "Replace a virtual machine (If-Match required)", 200, "VMInput", nil,
			append(bodyKinds, errresp.PermissionDenied, errresp.NotFound, errresp.Conflict, errresp.PreconditionFailed, errresp.PreconditionRequired),
			with(s.update, write, middleware.IfMatch(s.etag, middleware.IfMatchRequired()), middleware.LimitBody(maxBody))},
		{v1, "DELETE", "/v1/vms/{id}", "Delete a virtual machine (write permission)", 204, "", nil,
			[]errresp.Kind{errresp.PermissionDenied, errresp.InvalidRequest, errresp.NotFound}, with(s.remove, write)},
		{v1, "GET", "/v1/limited", "3 requests a minute per caller, then 429", 200, "", nil, nil, with(s.limited, perCaller("limited", 3))},
		{v1, "GET", "/v1/panic", "The handler panics; the client gets a clean 500", 200, "", nil, nil, middleware.Handler(s.panics)},
		{v1, "GET", "/v1/slow", "Sleeps ms milliseconds; past the route's 1 s timeout the answer is 504", 200, "", []string{"ms"},
			[]errresp.Kind{errresp.InvalidRequest, errresp.Timeout}, with(s.slow, middleware.Timeout(time.Second))},
	}
}

// groupKinds are the failures every route of a group may answer with.
var groupKinds = map[int][]errresp.Kind{
	open:   {errresp.Internal},
	signIn: {errresp.PermissionDenied, errresp.RateLimited, errresp.Internal},
	v1: {errresp.NotAuthenticated, errresp.WrongAuthScheme, errresp.CredentialMalformed, errresp.CredentialInvalid,
		errresp.CredentialExpired, errresp.SessionExpired, errresp.PermissionDenied, errresp.RateLimited, errresp.Internal},
}

// routes builds the router: every failure below it, whoever produces it,
// leaves as an envelope in s.style (or in problem details when the client
// asks for application/problem+json).
func (s *service) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.OnError(logFailure), middleware.Recoverer(),
		middleware.Style(s.style, middleware.StyleNegotiate(s.problem)), chimw.GetHead)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Mount("/legacy", legacyRoutes()) // written without the library; mounting is enough

	groups := map[int]chi.Router{open: r}
	r.Group(func(g chi.Router) {
		g.Use(ratelimit.PerMinute(10, ratelimit.WithKey(ratelimit.ByIP()), ratelimit.WithStore(s.store), ratelimit.WithName("sign-in")),
			middleware.CrossOrigin(), s.auth.Throttle)
		groups[signIn] = g
	})
	r.Group(func(g chi.Router) {
		g.Use(s.auth.Require, ratelimit.PerMinute(100, ratelimit.WithKey(ratelimit.ByPrincipal()), ratelimit.WithStore(s.store), ratelimit.WithName("v1")))
		groups[v1] = g
	})
	for _, rt := range s.table() {
		groups[rt.group].Method(rt.method, rt.pattern, rt.h)
	}
	return r
}

// logFailure logs every failure the service answers with, for the demo's
// console; the middleware logs causes of 5xx failures itself.
func logFailure(r *http.Request, e *errresp.Error, status int) {
	slog.Info("failure", "request_id", errresp.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path,
		"status", status, "kind", e.Kind.String())
}

// healthBody is the liveness probe's answer: it never changes, so it is
// encoded once.
var healthBody = []byte(`{"status":"ok"}` + "\n")

func (s *service) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(healthBody)
	return err
}

func (s *service) openAPI(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, openAPIDocument(s.style, s.table()))
}

func (s *service) limited(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *service) panics(w http.ResponseWriter, r *http.Request) error {
	panic("demo: nil pointer in handler, connection db-7") // logged, never sent
}

func (s *service) slow(w http.ResponseWriter, r *http.Request) error {
	var q struct {
		MS int `query:"ms" validate:"min=0,max=10000"`
	}
	if err := s.decoder.Params(r, &q); err != nil {
		return err
	}
	select {
	case <-time.After(time.Duration(q.MS) * time.Millisecond):
	case <-r.Context().Done():
		return r.Context().Err()
	}
	return writeJSON(w, http.StatusOK, map[string]int{"slept_ms": q.MS})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
