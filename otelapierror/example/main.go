// Command example is a small chi service wired for OpenTelemetry: otelhttp
// on the outside, the request id taken from the trace, every failure on its
// span, otelhttp's duration metric, the failure counter and exception log
// records, and trace ids on log lines. With -exporter stdout it prints
// spans, metrics (every 10 s and at exit) and log records to stdout; with
// none (the default) it records into the SDK and exports nothing.
//
//	go run ./example -exporter stdout
//	curl -i -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' localhost:8080/items/nope
//
// It lives in the otelapierror module, not beside the core module's example, so
// that the core module never requires OpenTelemetry.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutlog"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	style := flag.String("style", "problem", "envelope style: problem, gpcn, devdocs, gcore or authpi")
	exporter := flag.String("exporter", "none", "where telemetry goes: stdout or none")
	flag.Parse()
	st, ok := errresp.StyleNamed(*style)
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown style %q\n", *style)
		os.Exit(2)
	}
	shutdown, err := setupOTel(*exporter)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer shutdown()

	srv := &http.Server{Addr: *addr, Handler: service(st), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	slog.Info("listening", "addr", *addr, "style", st.Name, "exporter", *exporter)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		slog.Error("server", "error", err.Error())
	}
}

// service is a chi service with the package's two middleware lines (1 and
// 2) and otelhttp outermost.
func service(st *errresp.Style) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan())) // 1: the request id is the trace id
	r.Use(otelapierror.Middleware())                              // 2: failures on spans, metrics and logs
	r.Use(middleware.Recoverer(), middleware.Style(st))
	r.Use(middleware.LogTo(slog.New(otelapierror.LogHandler(slog.Default().Handler())))) // 3: trace ids on log lines
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	r.Get("/items/{id}", middleware.Handler(func(w http.ResponseWriter, r *http.Request) error {
		if chi.URLParam(r, "id") != "1" {
			return errresp.New(errresp.NotFound, "No such item.")
		}
		_, err := w.Write([]byte(`{"id":"1"}` + "\n"))
		return err
	}))
	r.Get("/down", middleware.Handler(func(http.ResponseWriter, *http.Request) error {
		return errresp.Wrap(errresp.Unavailable, errors.New("inventory: connection refused"), "")
	}))
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("nil map") })
	// otelhttp, outermost; its provider keeps a 5xx span's description.
	return otelhttp.NewHandler(r, "example", otelhttp.WithTracerProvider(otelapierror.TracerProvider(otel.GetTracerProvider())))
}

// setupOTel installs the global providers, as any OpenTelemetry service
// does once, and returns what flushes them at exit.
func setupOTel(exporter string) (func(), error) {
	var tOpts []sdktrace.TracerProviderOption
	var mOpts []sdkmetric.Option
	var lOpts []sdklog.LoggerProviderOption
	switch exporter {
	case "none":
		mOpts = append(mOpts, sdkmetric.WithReader(sdkmetric.NewManualReader()))
	case "stdout":
		te, err := stdouttrace.New(stdouttrace.WithPrettyPrint())
		if err != nil {
			return nil, err
		}
		me, err := stdoutmetric.New(stdoutmetric.WithPrettyPrint())
		if err != nil {
			return nil, err
		}
		le, err := stdoutlog.New(stdoutlog.WithPrettyPrint())
		if err != nil {
			return nil, err
		}
		tOpts = append(tOpts, sdktrace.WithSyncer(te))
		mOpts = append(mOpts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(me, sdkmetric.WithInterval(10*time.Second))))
		lOpts = append(lOpts, sdklog.WithProcessor(sdklog.NewSimpleProcessor(le)))
	default:
		return nil, fmt.Errorf("unknown exporter %q (stdout or none)", exporter)
	}
	tp := sdktrace.NewTracerProvider(tOpts...)
	mp := sdkmetric.NewMeterProvider(mOpts...)
	lp := sdklog.NewLoggerProvider(lOpts...)
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	global.SetLoggerProvider(lp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Shutdown(ctx)
		_ = mp.Shutdown(ctx)
		_ = lp.Shutdown(ctx)
	}, nil
}
