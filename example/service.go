package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
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
	expiredSession  = "demo-expired-session"
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

// service is the demo API: an in-memory set of virtual machines behind the
// library's middleware.
type service struct {
	style     *errresp.Style
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

	mu  sync.Mutex
	vms map[string]*vm
}

func newService(style *errresp.Style, store ratelimit.Store) *service {
	s := &service{
		style: style,
		store: store,
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
	s.guard = auth.NewFailureGuard()
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
		{open, "GET", "/errors", "The error reference of the active style (Markdown, or JSON with Accept: application/json)", 200, "", nil, nil, errresp.ReferenceHandler()},
		{open, "GET", "/openapi.json", "This document", 200, "", nil, nil, middleware.Handler(s.openAPI)},
		{signIn, "POST", "/auth/sign-in/email", "Sign in with email and password; answers TWO_FACTOR_REQUIRED and sets a pending cookie", 0, "SignIn", nil,
			append(bodyKinds, errresp.InvalidCredentials, errresp.TwoFactorRequired), middleware.Handler(s.signIn)},
		{signIn, "POST", "/auth/two-factor/verify-totp", "Complete sign-in with the one-time code (5 wrong codes end the pending sign-in and refuse the account's codes for 5 minutes, then allow one every 5 minutes); sets the session cookie", 200, "VerifyTOTP", nil,
			append(bodyKinds, errresp.NotAuthenticated, errresp.SessionExpired, errresp.InvalidOTP), s.twoFactor.Require(middleware.Handler(s.verifyTOTP))},
		{v1, "POST", "/auth/sign-out", "End the session and clear its cookie", 204, "", nil, nil, middleware.Handler(s.signOut)},
		{v1, "GET", "/v1/vms", "List virtual machines (read permission)", 200, "", nil,
			[]errresp.Kind{errresp.PermissionDenied}, with(s.list, read)},
		{v1, "POST", "/v1/vms", "Create a virtual machine (write permission; 5 a minute; at most 3 per caller)", 201, "VMInput", nil,
			append(bodyKinds, errresp.PermissionDenied, errresp.Conflict, errresp.QuotaExceeded), with(s.create, write, perCaller("create", 5), middleware.LimitBody(maxBody))},
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
		middleware.Style(s.style, middleware.StyleNegotiate()), chimw.GetHead)
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

// vm is one virtual machine.
type vm struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Size    int       `json:"size"`
	Region  string    `json:"region"`
	ImageID string    `json:"image_id"`
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	owner   string
}

func (v *vm) etag() string { return fmt.Sprintf(`"v%d"`, v.Version) }

// vmInput is the body of POST and PUT /v1/vms.
type vmInput struct {
	Name    string `json:"name" validate:"required,min=3,max=63,vmname"`
	Size    int    `json:"size" validate:"required,min=1,max=64"`
	Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID string `json:"image_id" validate:"required,uuid"`
}

// vmPath is the {id} of /v1/vms/{id}.
type vmPath struct {
	ID string `path:"id" validate:"uuid"`
}

func (s *service) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *service) openAPI(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, openAPIDocument(s.style, s.table()))
}

func (s *service) signIn(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email" validate:"required"`
		Password string `json:"password" validate:"required"`
	}
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	// An unknown email has no hash: Check does the same work and gives the
	// same answer as for a wrong password.
	if err := s.passwords.Check(s.accounts[in.Email], in.Password); err != nil {
		s.auth.Fail(w, r, err)
		return nil
	}
	http.SetCookie(w, s.twoFactor.SessionCookie(s.pending.IssueSession(s.user, pendingLifetime), pendingLifetime))
	return signin.NewTwoFactorRequired(true)
}

func (s *service) verifyTOTP(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code" validate:"required"`
	}
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	c, err := r.Cookie(pendingCookie)
	if err != nil {
		return auth.NewSessionExpired()
	}
	account := principal.FromContext(r.Context()).ID
	if err := s.codeGuard.CheckAt(account, time.Now()); err != nil {
		return err
	}
	if !auth.EqualSecret(in.Code, demoOTP) {
		// The fifth wrong code for this pending sign-in ends it, and
		// refuses the account's codes for 5 minutes (then one every 5
		// minutes), whichever addresses the codes came from.
		s.codeGuard.FailAt(account, time.Now())
		s.twoFactor.Fail(w, r, s.pending.WrongCode(c.Value))
		return nil
	}
	s.pending.Revoke(c.Value)
	http.SetCookie(w, s.twoFactor.ClearSessionCookie())
	http.SetCookie(w, s.auth.SessionCookie(s.keys.IssueSession(principal.FromContext(r.Context()), sessionLifetime), sessionLifetime))
	return writeJSON(w, http.StatusOK, map[string]any{"signed_in": true, "expires_in": int(sessionLifetime.Seconds())})
}

// signOut ends the caller's session (a request authenticated by an API key
// has none) and tells the browser to drop the cookie.
func (s *service) signOut(w http.ResponseWriter, r *http.Request) error {
	byCookie := r.Header.Get("Authorization") == "" && r.Header.Get("X-API-Key") == "" // headers take precedence
	if c, err := r.Cookie("session"); err == nil && byCookie {
		s.keys.Revoke(c.Value)
	}
	http.SetCookie(w, s.auth.ClearSessionCookie())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *service) list(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	out := make([]vm, 0, len(s.vms))
	for _, v := range s.vms {
		out = append(out, *v)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b vm) int { return a.Created.Compare(b.Created) })
	return writeJSON(w, http.StatusOK, map[string]any{"vms": out})
}

func (s *service) create(w http.ResponseWriter, r *http.Request) error {
	var in vmInput
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	owner := principal.FromContext(r.Context()).ID
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.nameFree(in.Name, ""); err != nil {
		return err
	}
	owned := 0
	for _, v := range s.vms {
		if v.owner == owner {
			owned++
		}
	}
	if err := ratelimit.Quota("vms", int64(owned), 1, vmQuota); err != nil {
		return err
	}
	v := &vm{ID: newUUID(), Name: in.Name, Size: in.Size, Region: in.Region, ImageID: in.ImageID,
		Version: 1, Created: time.Now().UTC(), owner: owner}
	s.vms[v.ID] = v
	w.Header().Set("Location", "/v1/vms/"+v.ID)
	w.Header().Set("ETag", v.etag())
	return writeJSON(w, http.StatusCreated, v)
}

// nameFree returns a Conflict when another machine than id has the name.
// It needs s.mu.
func (s *service) nameFree(name, id string) error {
	for _, v := range s.vms {
		if v.Name == name && v.ID != id {
			return errresp.Newf(errresp.Conflict, "A virtual machine named %q already exists.", name).With("name", name)
		}
	}
	return nil
}

// owned is lookup for a change: a machine of another caller is answered as
// one that does not exist (404), so a caller can neither change it nor learn
// that its id is taken.
func (s *service) owned(r *http.Request) (vm, error) {
	v, err := s.lookup(r)
	if err != nil {
		return vm{}, err
	}
	if v.owner != principal.FromContext(r.Context()).ID {
		return vm{}, errNoMachine()
	}
	return v, nil
}

func errNoMachine() error { return errresp.New(errresp.NotFound, "No virtual machine has that id.") }

// lookup returns the machine the request's {id} names: a 400 naming the
// field when it is not a UUID, a 404 when there is none.
func (s *service) lookup(r *http.Request) (vm, error) {
	var p vmPath
	if err := s.decoder.Params(r, &p); err != nil {
		return vm{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vms[p.ID]
	if !ok {
		return vm{}, errNoMachine()
	}
	return *v, nil
}

// etag is the current ETag of the caller's machine, for IfMatch.
func (s *service) etag(r *http.Request) (string, error) {
	v, err := s.owned(r)
	if err != nil {
		return "", err
	}
	return v.etag(), nil
}

func (s *service) get(w http.ResponseWriter, r *http.Request) error {
	v, err := s.lookup(r)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", v.etag())
	return writeJSON(w, http.StatusOK, v)
}

func (s *service) update(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.owned(r)
	if err != nil {
		return err
	}
	var in vmInput
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vms[cur.ID]
	if !ok {
		return errNoMachine()
	}
	if v.Version != cur.Version {
		return errresp.New(errresp.PreconditionFailed, "The virtual machine changed while the request was read; fetch it again.")
	}
	if err := s.nameFree(in.Name, v.ID); err != nil {
		return err
	}
	v.Name, v.Size, v.Region, v.ImageID = in.Name, in.Size, in.Region, in.ImageID
	v.Version++
	w.Header().Set("ETag", v.etag())
	return writeJSON(w, http.StatusOK, v)
}

func (s *service) remove(w http.ResponseWriter, r *http.Request) error {
	v, err := s.owned(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.vms, v.ID)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	return nil
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

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// demoKeyPrefix and demoKeyLen are the demo API keys' shape.
const (
	demoKeyPrefix = "demo_"
	demoKeyLen    = 32
)

// demoKeyShape reports whether an API key has the demo keys' shape; session
// cookies, which the service issues itself, are not checked.
func demoKeyShape(c auth.Credential) bool {
	if c.Source == auth.FromCookie {
		return true
	}
	if len(c.Secret) != demoKeyLen || !strings.HasPrefix(c.Secret, demoKeyPrefix) {
		return false
	}
	for i := len(demoKeyPrefix); i < len(c.Secret); i++ {
		if ch := c.Secret[i]; !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}
