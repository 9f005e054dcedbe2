package main

import (
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// The /legacy routes are written as a service has them before it adopts the
// library: nothing below imports it. They answer their failures with
// http.Error, http.NotFound, http.TimeoutHandler, http.MaxBytesReader, a
// FileServer, chi's own middleware, a reverse proxy, an http.ServeMux of
// their own and JSON of their own, and every one of those failures still leaves the service as an
// envelope in its style, because the router they are mounted on runs the
// library's stack.

//go:embed legacyfiles
var legacyFiles embed.FS

// legacyDeadUpstream is the address of a port nothing listens on, for the
// reverse proxy whose upstream is down.
func legacyDeadUpstream() *url.URL {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return &url.URL{Scheme: "http", Host: "127.0.0.1:9"}
	}
	defer ln.Close()
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}
}

// legacyRoutes returns the route group written without the library.
func legacyRoutes() http.Handler {
	r := chi.NewRouter()
	r.Get("/hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from the old code\n")
	})
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if chi.URLParam(r, "id") != "1" {
			http.Error(w, "item "+chi.URLParam(r, "id")+" not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"id": "1", "name": "widget"})
	})
	r.With(chimw.AllowContentType("application/json")).Post("/items", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
		var in struct{ Name string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		if in.Name == "widget" {
			http.Error(w, "an item named widget exists already", http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	r.Get("/report", func(w http.ResponseWriter, r *http.Request) {
		// A database driver's error, which must never reach a client.
		http.Error(w, `pq: password authentication failed for user "report" at 10.1.2.3:5432`, http.StatusInternalServerError)
	})
	// Errors written as JSON by the handler itself, as services that already
	// answer in JSON write them.
	r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(map[string]string{"error": `pq: password authentication failed for user "orders" at 10.1.2.3:5432`})
	})
	r.Post("/orders", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Quantity int }
		if json.NewDecoder(r.Body).Decode(&in) == nil && in.Quantity > 0 {
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": "quantity must be positive",
			"errors": []map[string]string{{"field": "quantity", "message": "must be at least 1"}}})
	})
	r.Get("/admin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="legacy admin"`)
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "unauthorized")
	})
	r.Handle("/slow", http.TimeoutHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}), 100*time.Millisecond, ""))
	files, _ := fs.Sub(legacyFiles, "legacyfiles")
	r.Handle("/files/*", http.StripPrefix("/legacy/files", http.FileServerFS(files)))
	proxy := httputil.NewSingleHostReverseProxy(legacyDeadUpstream())
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	r.Handle("/upstream", proxy)
	r.With(chimw.Throttle(8)).Get("/busy", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "done\n")
	})
	r.With(chimw.Recoverer).Get("/crash", func(w http.ResponseWriter, r *http.Request) {
		var m map[string]int
		m["boom"]++ // a nil map: chi's Recoverer answers an empty 500
	})
	old := http.NewServeMux()
	old.HandleFunc("GET /legacy/old/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the old API has no thing "+r.PathValue("id"), http.StatusBadRequest)
	})
	r.Handle("/old/*", old)
	return r
}
