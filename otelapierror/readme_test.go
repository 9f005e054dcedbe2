package otelapierror_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// The README's block, compiled: TestReadmeBlock checks that the README
// shows it unchanged.
func tracedService() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan())) // the request id is the trace id
	r.Use(otelapierror.Middleware())                              // failures on spans, metrics and logs
	r.Use(middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.Use(middleware.LogTo(slog.New(otelapierror.LogHandler(slog.Default().Handler())))) // trace_id and span_id on log lines
	r.NotFound(middleware.NotFound)
	r.Get("/legacy", legacyHandler)
	// The span's status keeps the failure's kind as its description.
	return otelhttp.NewHandler(r, "api", otelhttp.WithTracerProvider(otelapierror.TracerProvider(otel.GetTracerProvider())))
}

func legacyHandler(w http.ResponseWriter, _ *http.Request) { http.Error(w, "gone", http.StatusGone) }

// TestReadmeBlock checks that every Go block of the README that uses this
// package is in this file, so it compiles, and that the service it shows
// answers with the trace id as the request id.
func TestReadmeBlock(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, block := range strings.Split(string(readme), "```go\n")[1:] {
		code, _, _ := strings.Cut(block, "\n```")
		if !strings.Contains(code, "otelapierror.") {
			continue
		}
		n++
		if !strings.Contains(string(src), code) {
			t.Errorf("this README block is not in readme_test.go:\n%s", code)
		}
	}
	if n == 0 {
		t.Fatal("no README block uses the otelapierror package")
	}

	r := httptest.NewRequest("GET", "/nowhere", nil)
	r.Header.Set("traceparent", traceparent)
	rec := serve(tracedService(), r)
	if rec.Code != http.StatusNotFound || envelopeID(t, rec) != incomingTrace {
		t.Fatalf("%d %s, want a 404 envelope with the trace id", rec.Code, rec.Body)
	}
}
