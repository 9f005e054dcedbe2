package otelapierror_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// discardLogs is a log exporter that drops records after they were built
// and processed.
type discardLogs struct{}

func (discardLogs) Export(context.Context, []sdklog.Record) error { return nil }
func (discardLogs) Shutdown(context.Context) error                { return nil }
func (discardLogs) ForceFlush(context.Context) error              { return nil }

// benchService is the instrumented service of the benchmarks: otelhttp on
// the real SDK (every span sampled, metrics aggregated, logs processed),
// then RequestID, Recoverer and Style on chi; with withPkg, the package's
// middleware and span-based request id are added.
func benchService(b *testing.B, withPkg bool) http.Handler {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(discardLogs{})))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
		_ = lp.Shutdown(context.Background())
	})
	r := chi.NewRouter()
	if withPkg {
		r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan()),
			otelapierror.Middleware(otelapierror.WithMeterProvider(mp), otelapierror.WithLoggerProvider(lp)))
	} else {
		r.Use(middleware.RequestID())
	}
	r.Use(middleware.Recoverer(), middleware.Style(errresp.GPCN()))
	r.Get("/items/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	r.Method("GET", "/fail4xx/{id}", middleware.Handler(func(http.ResponseWriter, *http.Request) error {
		return errresp.New(errresp.NotFound, "No such item.")
	}))
	r.Method("GET", "/fail5xx/{id}", middleware.Handler(func(http.ResponseWriter, *http.Request) error {
		return errresp.Wrap(errresp.Internal, errors.New("database is down"), "")
	}))
	return otelhttp.NewHandler(r, "api", otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(propagation.TraceContext{}))
}

// BenchmarkOtel compares, in one run, the same requests through the same
// otelhttp-instrumented stack without the package (pkg=off) and with it
// (pkg=on): a success, a 4xx and a 5xx (which also logs a line and, with
// the package, emits an exception record), each with a traceparent.
func BenchmarkOtel(b *testing.B) {
	for _, path := range []struct{ name, path string }{
		{"success", "/items/42"}, {"4xx", "/fail4xx/42"}, {"5xx", "/fail5xx/42"},
	} {
		for _, withPkg := range []bool{false, true} {
			name := path.name + "/pkg=off"
			handler := slog.NewTextHandler(io.Discard, nil)
			var logHandler slog.Handler = handler
			if withPkg {
				name = path.name + "/pkg=on"
				logHandler = otelapierror.LogHandler(handler)
			}
			b.Run(name, func(b *testing.B) {
				slog.SetDefault(slog.New(logHandler))
				h := benchService(b, withPkg)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					r := httptest.NewRequest("GET", path.path, nil)
					r.Header.Set("traceparent", traceparent)
					w := &discardWriter{h: make(http.Header)}
					for pb.Next() {
						clear(w.h)
						h.ServeHTTP(w, r)
					}
				})
			})
		}
	}
}
