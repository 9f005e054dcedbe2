package main

// The code the README shows, compiled and run here: README_test.go checks
// that every Go block of the README appears in this file, line for line.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/client"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	idemredis "github.com/apierror/apierror/idempotency/redisstore"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
	"github.com/apierror/apierror/ratelimit/redisstore"
	"github.com/apierror/apierror/validation"
)

// legacyHandler is a handler the service had before; it keeps working.
func legacyHandler(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello") }

// createItem returns its failure instead of writing it.
func createItem(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name" validate:"required,min=3"`
	}
	if err := validation.Decode(r, &in); err != nil {
		return err // 400, 413 or 415, each bad field listed
	}
	if in.Name == "taken" {
		return errresp.New(errresp.Conflict, "That name is taken.")
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func chiService() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Get("/legacy", legacyHandler)
	r.With(ratelimit.PerMinute(60)).Post("/items", middleware.Handler(createItem))
	return r
}

func serveMuxService() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /legacy", legacyHandler)
	mux.Handle("POST /items", ratelimit.PerMinute(60)(middleware.Handler(createItem)))
	var h http.Handler = middleware.ServeMux(mux) // its 404 and 405 become envelopes
	h = middleware.Style(errresp.Problem())(h)
	h = middleware.Recoverer()(h)
	return middleware.RequestID()(h)
}

func adoptedService(oldAPI http.Handler, upstream *url.URL) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), chimw.Logger, middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.Mount("/old", oldAPI) // untouched: its http.Error, FileServer and TimeoutHandler answers become envelopes
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	proxy.ErrorHandler = middleware.ProxyErrorHandler // 502, or 504 when the upstream timed out
	// At most 100 requests in flight to the upstream; the 101st gets a 503 envelope.
	r.With(middleware.ConcurrencyLimit(100)).Handle("/api/*", proxy)
	r.Group(func(r chi.Router) {
		r.Use(middleware.Intercept(false)) // this group's own error pages reach the client as they are
		r.Handle("/site/*", http.FileServer(http.Dir("site")))
	})
	return r
}

func configureRateLimits(rdb *redis.Client) {
	// In memory (the default): one bucket per client IP, 60 a minute.
	perIP := ratelimit.PerMinute(60)
	// Behind a proxy, trust its X-Forwarded-For and nobody else's.
	behindLB := ratelimit.PerMinute(60, ratelimit.WithKey(ratelimit.ByIP(ratelimit.IPTrustProxies("10.0.0.0/8"))))
	// Several limits at once, per credential (hashed, whichever header or
	// cookie carries it; by IP without one), with the IETF headers too.
	perKey := ratelimit.New([]ratelimit.Limit{
		{Events: 10, Period: time.Second, Burst: 20, Name: "burst"},
		{Events: 10_000, Period: 24 * time.Hour, Name: "daily"},
	}, ratelimit.WithKey(ratelimit.ByCredential()), ratelimit.WithHeaders(ratelimit.XRateLimitHeaders|ratelimit.IETFHeaders))
	// Stacked, they compose: r.With(perSecond, perMinute) refuses with the
	// binding limit's real wait, and a refusal takes nothing from the other.
	perSecond, perMinute := ratelimit.PerSecond(2), ratelimit.PerMinute(30)
	// Redis, shared by every instance; in-memory fallback while Redis is away.
	store := redisstore.New(rdb)
	// On a shared store every limiter is named: the name and the limits are
	// its identity, the same in every instance, build and restart. Limiters
	// with names of their own count apart: one for /a, one for /b.
	forA := ratelimit.PerMinute(100, ratelimit.WithStore(store), ratelimit.WithName("a"))
	forB := ratelimit.PerMinute(100, ratelimit.WithStore(store), ratelimit.WithName("b"))
	// One name is one budget, wherever the limiters with that name are mounted.
	shared := ratelimit.PerMinute(100, ratelimit.WithStore(store), ratelimit.WithName("api"),
		ratelimit.WithKey(ratelimit.ByPrincipal()))
	_, _, _, _, _, _, _, _ = perIP, behindLB, perKey, perSecond, perMinute, forA, forB, shared
}

func configureAuth(r chi.Router) {
	var keys auth.KeyRing // or any auth.Verifier of your own
	keys.AddKey("demo_admin_7f3a9c1e5b2d40688acd1", &principal.Principal{ID: "admin", Permissions: []string{"vms:read", "vms:write"}}, time.Time{})
	authn := auth.New(&keys) // X-API-Key, Authorization: Bearer and APIKey
	r.Route("/v1", func(r chi.Router) {
		r.Use(authn.Require) // 401 with WWW-Authenticate, a distinct code for each failure
		r.With(auth.RequirePermission("vms:write")).Delete("/vms/{id}", deleteVM)
	})
}

func deleteVM(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }

func configureValidation() *validation.Decoder {
	return validation.New(
		validation.WithMaxBytes(64<<10), // 413 past 64 KiB (default 1 MiB)
		validation.WithRule("vmname", validation.Match(`[a-z0-9-]+`),
			"{field} may contain only lowercase letters, digits and hyphens."),
	)
}

// exampleShow sends one request and prints the status, Allow when set, and the body.
func exampleShow(h http.Handler, method, target, body string) {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("X-Request-ID", "req-1")
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Print(w.Code, " ", strings.TrimSpace(w.Body.String()))
	if allow := w.Header().Get("Allow"); allow != "" {
		fmt.Print(" Allow: ", allow)
	}
	fmt.Println()
}

func Example_chi() {
	h := chiService()
	exampleShow(h, "GET", "/legacy", "")
	exampleShow(h, "POST", "/items", `{"name":"ab"}`)
	exampleShow(h, "POST", "/items", `{"name":"taken"}`)
	exampleShow(h, "PUT", "/items", `{}`)
	// Output:
	// 200 hello
	// 400 {"success":false,"error":"INVALID_REQUEST","message":"name must be at least 3 characters long.","requestId":"req-1","fields":[{"field":"name","pointer":"/name","in":"body","rule":"min","param":"3","message":"name must be at least 3 characters long."}]}
	// 409 {"success":false,"error":"CONFLICT","message":"That name is taken.","requestId":"req-1"}
	// 405 {"success":false,"error":"METHOD_NOT_ALLOWED","message":"The route allows only POST.","requestId":"req-1"} Allow: POST
}

func Example_serveMux() {
	h := serveMuxService()
	exampleShow(h, "GET", "/legacy", "")
	exampleShow(h, "GET", "/nowhere", "")
	exampleShow(h, "POST", "/items", `{"name":"taken"}`)
	// Output:
	// 200 hello
	// 404 {"type":"about:blank","title":"Not Found","status":404,"detail":"No route matches the request's path.","code":"not_found","request_id":"req-1"}
	// 409 {"type":"about:blank","title":"Conflict","status":409,"detail":"That name is taken.","code":"conflict","request_id":"req-1"}
}

func Example_adopted() {
	oldAPI := http.NewServeMux()
	oldAPI.HandleFunc("/old/report", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "pq: password authentication failed", http.StatusInternalServerError)
	})
	oldAPI.HandleFunc("/old/items/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such item", http.StatusNotFound)
	})
	chimw.DefaultLogger = chimw.RequestLogger(&chimw.DefaultLogFormatter{Logger: log.New(io.Discard, "", 0)})
	h := adoptedService(oldAPI, &url.URL{Scheme: "http", Host: "127.0.0.1:1"})
	exampleShow(h, "GET", "/old/report", "")
	exampleShow(h, "GET", "/old/items/7", "")
	exampleShow(h, "GET", "/site/missing.html", "")
	// Output:
	// 500 {"success":false,"error":"SERVER_ERROR","message":"Internal server error","requestId":"req-1"}
	// 404 {"success":false,"error":"NOT_FOUND","message":"no such item","requestId":"req-1"}
	// 404 404 page not found
}

func configureIdempotency(r chi.Router, rdb redis.UniversalClient, create http.HandlerFunc) {
	// A POST with an Idempotency-Key runs once per caller and key; its retry
	// gets the first response (kept 24 h), a concurrent copy a 409 with
	// Retry-After, the key with another body a 422. Redis shares the keys
	// between instances; idempotency.NewMemoryStore() keeps them in one.
	store := idemredis.New(rdb)
	r.With(idempotency.New(store, idempotency.WithRequired())).Post("/v1/vms", create)
	// Wait up to 10 s for a running first copy instead of answering 409.
	r.With(idempotency.New(store, idempotency.WithWait(10*time.Second))).Post("/v1/orders", create)
}

func Example_configuration() {
	configureRateLimits(redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}))
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Style(errresp.Gcore()))
	configureAuth(r)
	configureIdempotency(chi.NewRouter(), redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}), func(w http.ResponseWriter, r *http.Request) {})
	exampleShow(r, "DELETE", "/v1/vms/1", "")
	fmt.Println(configureValidation() != nil)
	// Output:
	// 401 {"exception_class":"not_authenticated","message":"Authentication credentials were not provided.","request_id":"req-1"}
	// true
}

// fetchVM calls the example's API as a client of it: a failure, in whatever
// style the API speaks, is an *errresp.Error.
func fetchVM(ctx context.Context, base, id string) (string, error) {
	api := client.New() // retries 429, 503 and other 5xx as the Gcore table says
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/v1/vms/"+id, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-API-Key", "demo_admin_7f3a9c1e5b2d40688acd1")
	resp, err := api.Do(req)
	if err != nil {
		return "", err // no response at all, even after retries
	}
	defer resp.Body.Close()
	var e *errresp.Error
	if errors.As(client.Check(resp), &e) {
		return "", fmt.Errorf("%s (%s, request id %s)", e.Message, e.Kind, e.RequestID)
	}
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// The README's declaration of a service's own code (compiled here, as every
// README block is; errresp's ExampleDeclareCodes runs the same declaration).
var _ = declareCodes

func declareCodes() {
	errresp.DeclareCodes(errresp.ServiceCode{Code: "VM_LOCKED", Kind: errresp.Conflict, Status: 423,
		Title: "The VM is locked by another operation.", Description: "Retry once the operation ends."})
}

// referencedProblems is the README's service whose problem types lead to
// its reference page.
func referencedProblems() http.Handler {
	r := chi.NewRouter()
	problem := errresp.NewProblem("", errresp.ProblemReference("https://api.example.com/errors"))
	r.Use(middleware.Style(problem))
	r.Method("GET", "/errors", problem.ReferenceHandler())
	r.NotFound(middleware.NotFound)
	return r
}

// A 404 of the README's service has the type of its entry, and the page at
// that type has the entry.
func TestReadmeReferencedProblems(t *testing.T) {
	t.Parallel()
	h := referencedProblems()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/nowhere", nil))
	if !strings.Contains(rec.Body.String(), `"type":"https://api.example.com/errors#not_found"`) {
		t.Errorf("404 body %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/errors", nil)
	req.Header.Set("Accept", "text/html")
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<article class="entry" id="not_found">`) {
		t.Errorf("/errors: %d, no entry for not_found", rec.Code)
	}
}
