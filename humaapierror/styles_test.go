package humaapierror_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/auth"
	"github.com/apierror/apierror/auth/signin"
	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/humaapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// TestTwoAPIsTwoStyles: two huma APIs in one program, on two routers with
// two styles, answer the same failure in their own style, and each one's
// OpenAPI describes its own envelope.
func TestTwoAPIsTwoStyles(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	for _, api := range []struct {
		prefix string
		style  *errresp.Style
	}{{"/a", adaptertest.Style("gpcn")}, {"/b", adaptertest.Style("gcore")}} {
		a, h := newAPI(api.style)
		huma.Post(a, "/items", func(context.Context, *itemIn) (*struct{}, error) { return nil, nil })
		huma.Register(a, huma.Operation{Method: "GET", Path: "/items/{id}", Errors: []int{404}},
			func(context.Context, *idIn) (*struct{}, error) { return nil, nil })
		mux.Handle(api.prefix+"/", http.StripPrefix(api.prefix, h))
	}
	srv := serve(t, mux)
	for prefix, want := range map[string]string{
		"/a": `{"success":false,"error":"INVALID_REQUEST","message":"expected length \u003e= 3","requestId":"two-1","fields":[{"field":"name","pointer":"/name","in":"body","message":"expected length \u003e= 3"}]}` + "\n",
		"/b": `{"exception_class":"ValidationError","message":"expected length \u003e= 3","request_id":"two-1","invalid_fields":[{"field":"name","pointer":"/name","in":"body","message":"expected length \u003e= 3"}]}` + "\n",
	} {
		got := call(t, srv, "POST", prefix+"/items", `{"name":"x","size":1}`, "X-Request-ID", "two-1")
		if got.Status != 400 || got.Body != want {
			t.Errorf("%s: %d %s, want 400 %s", prefix, got.Status, got.Body, want)
		}
		doc := call(t, srv, "GET", prefix+"/openapi.json", "")
		var oapi struct {
			Paths map[string]map[string]struct {
				Responses map[string]struct {
					Content map[string]struct {
						Schema struct {
							Ref string `json:"$ref"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"responses"`
			} `json:"paths"`
			Components struct {
				Schemas map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal([]byte(doc.Body), &oapi); err != nil {
			t.Fatal(err)
		}
		name := map[string]string{"/a": "GpcnError", "/b": "GcoreError"}[prefix]
		if len(oapi.Components.Schemas[name]) == 0 {
			t.Fatalf("%s: no %s schema in the OpenAPI", prefix, name)
		}
		for _, op := range []struct{ path, method, codes string }{
			{"/items", "post", "default"}, {"/items/{id}", "get", "400 404 500"}} {
			resp := oapi.Paths[op.path][op.method].Responses
			if _, ok := resp["422"]; ok {
				t.Errorf("%s: %s %s: a 422 response is still described", prefix, op.method, op.path)
			}
			for _, code := range strings.Fields(op.codes) {
				if got := resp[code].Content["application/json"].Schema.Ref; got != "#/components/schemas/"+name {
					t.Errorf("%s: %s %s: response %s has schema %q, want %s", prefix, op.method, op.path, code, got, name)
				}
			}
		}
	}
}

// guardedAPI has two huma groups behind one Authenticator (its guard
// refusing an address after 3 failed credentials for an hour) and one
// limiter (5 a minute per caller, on a fixed clock), and a sign-in
// operation behind the Authenticator's Throttle.
func guardedAPI(s *errresp.Style) http.Handler {
	var keys auth.KeyRing
	keys.AddKey(adaptertest.GoodKey, &principal.Principal{ID: "admin"}, time.Time{})
	authn := auth.New(&keys, auth.WithGuard(auth.NewFailureGuard(auth.GuardLimit(3, time.Hour))))
	now := time.Unix(1_800_000_000, 0)
	limit := ratelimit.PerMinute(5, ratelimit.WithKey(ratelimit.ByPrincipal()), ratelimit.WithClock(func() time.Time { return now }))
	api, h := newAPI(s)
	type out struct{ Body []byte }
	ok := func(context.Context, *struct{}) (*out, error) { return &out{Body: []byte("ok")}, nil }
	for _, prefix := range []string{"/v1", "/v2"} {
		g := huma.NewGroup(api, prefix)
		g.UseMiddleware(humaapierror.Middleware(humachi.Unwrap, authn.Require, limit))
		huma.Get(g, map[string]string{"/v1": "/a", "/v2": "/b"}[prefix], ok)
	}
	huma.Register(api, huma.Operation{Method: "POST", Path: "/sign-in",
		Middlewares: huma.Middlewares{humaapierror.Middleware(humachi.Unwrap, authn.Throttle)}},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			return nil, signin.NewInvalidCredentials()
		})
	return h
}

// TestRateLimitAcrossGroups: one limiter mounted on two huma groups is one
// budget, with exact counts and headers (adaptertest.GroupLimits).
func TestRateLimitAcrossGroups(t *testing.T) {
	t.Parallel()
	adaptertest.ForStyles(t, func(t *testing.T, s *errresp.Style) { adaptertest.GroupLimits(t, serve(t, guardedAPI(s))) })
}

// TestAuthAndGuardAcrossGroups: authentication and the failed-credential
// guard across the groups and a sign-in operation (adaptertest.GroupGuard).
func TestAuthAndGuardAcrossGroups(t *testing.T) {
	t.Parallel()
	adaptertest.ForStyles(t, func(t *testing.T, s *errresp.Style) { adaptertest.GroupGuard(t, serve(t, guardedAPI(s))) })
}

// TestNegotiatedProblem: on a router whose Style negotiates, a client that
// asks for problem details gets them from huma too, and the OpenAPI lists
// both envelopes.
func TestNegotiatedProblem(t *testing.T) {
	t.Parallel()
	api, h := newAPI(adaptertest.Style("gpcn"), adaptertest.Style("problem"))
	huma.Post(api, "/items", func(context.Context, *itemIn) (*struct{}, error) { return nil, nil })
	srv := serve(t, h)
	got := call(t, srv, "POST", "/items", `{"name":"x","size":1}`, "Accept", "application/problem+json", "X-Request-ID", "neg-1")
	want := `{"type":"about:blank","title":"Bad Request","status":400,"detail":"expected length \u003e= 3","code":"invalid_request","request_id":"neg-1","errors":[{"field":"name","pointer":"#/name","in":"body","detail":"expected length \u003e= 3"}]}` + "\n"
	if got.Status != 400 || got.Header.Get("Content-Type") != "application/problem+json" || got.Body != want {
		t.Fatalf("%d %s %s\nwant %s", got.Status, got.Header.Get("Content-Type"), got.Body, want)
	}
	doc := call(t, srv, "GET", "/openapi.json", "")
	for _, ref := range []string{`"application/json":{"schema":{"$ref":"#/components/schemas/GpcnError"}}`,
		`"application/problem+json":{"schema":{"$ref":"#/components/schemas/ProblemError"}}`} {
		if !strings.Contains(doc.Body, ref) {
			t.Errorf("the OpenAPI lacks %s", ref)
		}
	}
}

// TestErrorHookSeesHuma: the error hook installed on the router
// (middleware.OnError) sees huma's own failures once, with the status sent.
func TestErrorHookSeesHuma(t *testing.T) {
	t.Parallel()
	var seen []string
	var mu sync.Mutex
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Style(adaptertest.Style("gpcn")), middleware.OnError(func(_ *http.Request, e *errresp.Error, status int) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, e.Kind.String()+" "+strconv.Itoa(status))
	}))
	config := huma.DefaultConfig("Items", "1.0.0")
	humaapierror.Configure(&config)
	api := humachi.New(r, config)
	huma.Post(api, "/items", func(context.Context, *itemIn) (*struct{}, error) { return nil, nil })
	huma.Get(api, "/items/{id}", func(context.Context, *idIn) (*struct{}, error) { return nil, huma.Error404NotFound("no item") })
	srv := serve(t, r)
	if got := call(t, srv, "POST", "/items", `{"name":"x","size":1}`); got.Status != 400 {
		t.Fatalf("%d %s", got.Status, got.Body)
	}
	if got := call(t, srv, "GET", "/items/7", ""); got.Status != 404 {
		t.Fatalf("%d %s", got.Status, got.Body)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, ", ") != "invalid_request 400, not_found 404" {
		t.Fatalf("the hook saw %q", seen)
	}
}

// TestDescribeEveryStyle: described with every registered style, each
// operation's error response lists each style's envelope, those that share a
// content type as its oneOf.
func TestDescribeEveryStyle(t *testing.T) {
	t.Parallel()
	api, h := newAPI(adaptertest.Style("problem"))
	humaapierror.Describe(api, adaptertest.Style("problem"), errresp.Styles()[:5]...)
	huma.Post(api, "/items", func(context.Context, *itemIn) (*struct{}, error) { return nil, nil })
	doc := call(t, serve(t, h), "GET", "/openapi.json", "").Body
	for _, want := range []string{
		`"application/json":{"schema":{"oneOf":[{"$ref":"#/components/schemas/GpcnError"},{"$ref":"#/components/schemas/DevdocsError"},{"$ref":"#/components/schemas/GcoreError"},{"$ref":"#/components/schemas/AuthpiError"}]}}`,
		`"application/problem+json":{"schema":{"$ref":"#/components/schemas/ProblemError"}}`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the OpenAPI lacks %s", want)
		}
	}
}
