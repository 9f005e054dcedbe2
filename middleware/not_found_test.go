package middleware

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
)

func mwChiRouter(s *errresp.Style) http.Handler {
	r := chi.NewRouter()
	r.Use(RequestID(), Recoverer(), Style(s))
	r.NotFound(NotFound)
	r.MethodNotAllowed(MethodNotAllowed)
	r.Get("/items", mwOkHandler)
	r.Post("/items", mwOkHandler)
	r.Get("/items/{id}", mwOkHandler)
	r.Delete("/items/{id}", mwOkHandler)
	r.Route("/admin", func(r chi.Router) {
		r.Put("/settings", mwOkHandler)
	})
	sub := chi.NewRouter()
	sub.Patch("/thing", mwOkHandler)
	r.Mount("/mounted", sub)
	return r
}

func mwStdMux(s *errresp.Style) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", mwOkHandler)
	mux.HandleFunc("POST /items", mwOkHandler)
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("mwItem " + r.PathValue("id")))
	})
	mux.HandleFunc("GET /own404", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"success":false,"error":"NOT_FOUND","message":"own"}`))
	})
	mux.HandleFunc("/dir/", mwOkHandler)
	return mwChain(ServeMux(mux), RequestID(), Recoverer(), Style(s))
}

func TestRouterFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		router string
		method string
		path   string
		status int
		allow  string
	}{
		{"chi", "GET", "/nope", 404, ""},
		{"chi", "GET", "/items/1/deeper", 404, ""},
		{"chi", "PUT", "/items", 405, "GET, POST"},
		{"chi", "POST", "/items/7", 405, "GET, DELETE"},
		{"chi", "GET", "/admin/settings", 405, "PUT"},
		{"chi", "GET", "/mounted/thing", 405, "PATCH"},
		{"chi", "GET", "/mounted/nothing", 404, ""},
		{"mux", "GET", "/nope", 404, ""},
		{"mux", "PUT", "/items", 405, "GET, HEAD, POST"},
		{"mux", "DELETE", "/items/3", 405, "GET, HEAD"},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.router+"/"+tc.method+tc.path, func(t *testing.T) {
				t.Parallel()
				h := mwChiRouter(s)
				if tc.router == "mux" {
					h = mwStdMux(s)
				}
				id := mwNewID(t)
				rec := mwServe(h, mwRequest(tc.method, tc.path, id))
				e := mwEnvelope(t, rec, s, s.Code(map[int]errresp.Kind{404: errresp.NotFound, 405: errresp.MethodNotAllowed}[tc.status]).Status)
				if e.RequestID != id || mwRespID(t, rec) != id {
					t.Fatalf("request id %q / %q, want %q", e.RequestID, mwRespID(t, rec), id)
				}
				if got := rec.Header().Get("Allow"); got != tc.allow {
					t.Fatalf("Allow = %q, want %q", got, tc.allow)
				}
				if tc.allow != "" && !strings.Contains(e.Message, tc.allow) {
					t.Fatalf("message %q does not name the allowed methods", e.Message)
				}
				if strings.Contains(rec.Body.String(), "page not found") || strings.Contains(rec.Body.String(), "Method Not Allowed\n") {
					t.Fatalf("router's own text leaked: %q", rec.Body)
				}
			})
		}
	}
}

func TestServeMuxPassesThrough(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		method   string
		path     string
		status   int // a single digit: any status of that class
		body     string
		location string
	}{
		{"route", "GET", "/items", 200, "ok", ""},
		{"path value", "GET", "/items/42", 200, "mwItem 42", ""},
		{"head of get", "HEAD", "/items", 200, "", ""},
		{"handler's own JSON 404 in the style untouched", "GET", "/own404", 404, `{"success":false,"error":"NOT_FOUND","message":"own"}`, ""},
		{"subtree redirect", "GET", "/dir", 3, "", "/dir/"},
		{"clean path redirect", "GET", "/items/../items", 3, "", "/items"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := mwServe(mwStdMux(errresp.GPCN()), mwRequest(tc.method, tc.path, ""))
			code := rec.Code
			if tc.status < 10 {
				code /= 100
			}
			if code != tc.status || tc.body != "" && rec.Body.String() != tc.body {
				t.Fatalf("%d %q, want %d %q", rec.Code, rec.Body, tc.status, tc.body)
			}
			if got := rec.Header().Get("Location"); got != tc.location {
				t.Fatalf("Location %q, want %q", got, tc.location)
			}
		})
	}
	mwAssertPanics(t, func() { ServeMux(nil) })
}

func TestMethodNotAllowedOutsideChi(t *testing.T) {
	t.Parallel()
	rec := mwServe(http.HandlerFunc(MethodNotAllowed), mwRequest("PUT", "/", ""))
	mwEnvelope(t, rec, errresp.Default, 405)
	if rec.Header().Get("Allow") != "" {
		t.Fatalf("Allow invented outside chi: %q", rec.Header().Get("Allow"))
	}
}

// TestMethodNotAllowedKeepsAllow: a router that is not chi (gin, echo) sets
// Allow before calling MethodNotAllowed; the envelope names those methods.
func TestMethodNotAllowedKeepsAllow(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, POST")
		MethodNotAllowed(w, r)
	})
	rec := mwServe(h, mwRequest("PUT", "/", ""))
	e := mwEnvelope(t, rec, errresp.Default, 405)
	if got := rec.Header().Get("Allow"); got != "GET, POST" {
		t.Fatalf("Allow = %q", got)
	}
	if e.Message != "The route allows only GET, POST." {
		t.Fatalf("message = %q", e.Message)
	}
}
