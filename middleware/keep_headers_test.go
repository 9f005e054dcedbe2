package middleware

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// A 5xx, however written, keeps the headers a client or an intermediary
// needs from a failure and drops the rest (a debug header with the query, a
// Server-Timing naming an internal address, a cookie); KeepHeaders keeps
// more; a 4xx keeps what the handler set.
func TestHeadersOnServerErrors(t *testing.T) {
	t.Parallel()
	setAll := func(h http.Header) {
		h.Set("X-Debug-Query", "SELECT * FROM users WHERE password='hunter2'")
		h.Set("Server-Timing", "db;desc=\"10.0.0.5:5432\";dur=12")
		h.Set("Set-Cookie", "session=abc")
		h.Set("Location", "/vms/half-made")
		h.Set("Access-Control-Allow-Origin", "https://app.example")
		h.Set("Access-Control-Expose-Headers", "X-Request-ID")
		h.Set("Vary", "Origin")
		h.Set("Retry-After", "7")
		h.Set("RateLimit-Policy", `"burst";q=100;w=60`)
		h.Set("RateLimit", `"burst";r=3;t=40`)
		h.Set("X-RateLimit-Remaining", "3")
		h.Set("Strict-Transport-Security", "max-age=63072000")
		h.Set("ETag", `"v1"`)
		h.Set("Date", "Mon, 07 Dec 2026 01:00:00 GMT")
	}
	kept := []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary", "Retry-After",
		"RateLimit-Policy", "RateLimit", "X-RateLimit-Remaining", "Strict-Transport-Security", "X-Request-ID", "Date"}
	dropped := []string{"X-Debug-Query", "Server-Timing", "Set-Cookie", "Location", "ETag"}
	producers := map[string]http.Handler{
		"http.Error": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setAll(w.Header())
			http.Error(w, "pq: password authentication failed", 500)
		}),
		"errresp.Write": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setAll(w.Header())
			errresp.Write(w, r, errors.New("pq: password authentication failed"))
		}),
		"returned": Handler(func(w http.ResponseWriter, r *http.Request) error {
			setAll(w.Header())
			return errors.New("pq: password authentication failed")
		}),
		"panic": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setAll(w.Header())
			panic("pq: password authentication failed")
		}),
		"WriteHeader 503": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setAll(w.Header())
			w.WriteHeader(503)
		}),
	}
	for name, h := range producers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := mwServe(mwChain(h, RequestID(), Recoverer(), Style(errresp.GPCN())), mwRequest("GET", "/", mwNewID(t)))
			if rec.Code < 500 {
				t.Fatalf("status %d", rec.Code)
			}
			for _, k := range kept {
				if rec.Header().Get(k) == "" {
					t.Errorf("%s dropped", k)
				}
			}
			for _, k := range dropped {
				if v := rec.Header().Get(k); v != "" {
					t.Errorf("%s kept: %q", k, v)
				}
			}
			for k, vs := range rec.Header() {
				if strings.Contains(strings.Join(vs, " "), "hunter2") || strings.Contains(strings.Join(vs, " "), "10.0.0.5") {
					t.Errorf("header %s leaks: %q", k, vs)
				}
			}

			// KeepHeaders above Recoverer keeps named ones, "*" all.
			rec = mwServe(mwChain(h, RequestID(), KeepHeaders("location", "Set-Cookie"), Recoverer(), Style(errresp.GPCN())), mwRequest("GET", "/", mwNewID(t)))
			if rec.Header().Get("Location") == "" || rec.Header().Get("Set-Cookie") == "" || rec.Header().Get("X-Debug-Query") != "" {
				t.Errorf("KeepHeaders(Location, Set-Cookie): %v", rec.Header())
			}
			rec = mwServe(mwChain(h, RequestID(), KeepHeaders("*"), Recoverer(), Style(errresp.GPCN())), mwRequest("GET", "/", mwNewID(t)))
			if rec.Header().Get("Server-Timing") == "" || rec.Header().Get("Location") == "" {
				t.Errorf(`KeepHeaders("*"): %v`, rec.Header())
			}
		})
	}

	// A 4xx keeps the handler's headers but for the replaced body's.
	rec := mwServe(mwChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setAll(w.Header())
		http.Error(w, "no such vm", 404)
	}), RequestID(), Style(errresp.GPCN())), mwRequest("GET", "/", mwNewID(t)))
	if rec.Code != 404 || rec.Header().Get("Location") == "" || rec.Header().Get("X-Debug-Query") == "" || rec.Header().Get("ETag") != "" {
		t.Errorf("4xx headers: %d %v", rec.Code, rec.Header())
	}
}

func TestKeepHeadersNeedsNames(t *testing.T) {
	t.Parallel()
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), "apierror/middleware: KeepHeaders") {
			t.Fatalf("recovered %v", v)
		}
	}()
	KeepHeaders()
}
