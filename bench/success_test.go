package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// The success path: GET /v1/items/42 answered 200 with a small JSON body.
const (
	successPath  = "/v1/items/42"
	successRoute = "/v1/items/{id}"
)

var (
	successBody = []byte(`{"id":"42","name":"widget"}` + "\n")
	jsonCT      = []string{"application/json"}
)

// itemHandler is the handler every stack serves: it writes successBody.
func itemHandler(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = jsonCT
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(successBody)
}

// chiStack returns a chi router that serves itemHandler behind mws.
func chiStack(mws ...func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(mws...)
	r.Get(successRoute, itemHandler)
	return r
}

type humaItemInput struct {
	ID string `path:"id"`
}

type humaItemOutput struct {
	Body struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
}

// humaStack returns the same route as a huma operation on chi. The default
// configuration's schema-link hook is removed so that huma writes the same
// body as the others (no "$schema" member, no Link header).
func humaStack() http.Handler {
	r := chi.NewRouter()
	cfg := huma.DefaultConfig("bench", "1.0.0")
	cfg.CreateHooks = nil
	api := humachi.New(r, cfg)
	huma.Register(api, huma.Operation{OperationID: "get-item", Method: http.MethodGet, Path: successRoute},
		func(_ context.Context, in *humaItemInput) (*humaItemOutput, error) {
			out := &humaItemOutput{}
			out.Body.ID = in.ID
			out.Body.Name = "widget"
			return out, nil
		})
	return r
}

type namedHandler struct {
	name string
	h    http.Handler
}

// successStacks are the stacks compared on the success path. "bare" (chi and
// the handler, nothing else) is the floor; "ctx-value" is bare with the least
// any middleware that gives handlers a per-request value costs (ctxValue);
// "chi-mw" (chi's RequestID and Recoverer) is the peer our middleware is held
// to; "huma" is huma's own success path, which has no request id or recovery
// of its own.
func successStacks() []namedHandler {
	stacks := []namedHandler{
		{"bare", chiStack()},
		{"ctx-value", chiStack(ctxValue)},
		{"chi-mw", chiStack(chimw.RequestID, chimw.Recoverer)},
		{"huma", humaStack()},
	}
	return append(stacks, oursSuccessStacks()...)
}

// BenchmarkSuccess serves one request that succeeds through each stack, with
// a reused request and a minimal ResponseWriter, serially and from
// GOMAXPROCS goroutines.
func BenchmarkSuccess(b *testing.B) {
	stacks := successStacks()
	b.Run("par=serial", func(b *testing.B) {
		for _, s := range stacks {
			b.Run("impl="+s.name, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, successPath, nil)
				w := newDiscardWriter()
				b.ReportAllocs()
				for b.Loop() {
					w.reset()
					s.h.ServeHTTP(w, r)
				}
				if w.status != http.StatusOK {
					b.Fatalf("status %d, want 200", w.status)
				}
			})
		}
	})
	b.Run("par=parallel", func(b *testing.B) {
		for _, s := range stacks {
			b.Run("impl="+s.name, func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					r := httptest.NewRequest(http.MethodGet, successPath, nil)
					w := newDiscardWriter()
					for pb.Next() {
						w.reset()
						s.h.ServeHTTP(w, r)
					}
				})
			})
		}
	})
}

// TestSuccessStacks checks that every stack the benchmark compares answers
// the request with 200 and the same body.
func TestSuccessStacks(t *testing.T) {
	t.Parallel()
	for _, s := range successStacks() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, successPath, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", w.Code)
			}
			if got := w.Body.String(); got != string(successBody) {
				t.Errorf("body %q, want %q", got, successBody)
			}
		})
	}
}
