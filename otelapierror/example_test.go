package otelapierror_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// A refused permission on a traced request: the request id is the incoming
// trace id, and the server span carries the kind and the style's code, with
// its status left unset for a 4xx.
func ExampleMiddleware() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	var h http.Handler = middleware.Handler(func(http.ResponseWriter, *http.Request) error {
		return errresp.New(errresp.PermissionDenied, "Missing permission.")
	})
	h = middleware.Style(errresp.GPCN())(h)
	h = otelapierror.Middleware()(h)
	h = middleware.RequestID(otelapierror.RequestIDFromSpan())(h)
	h = otelhttp.NewHandler(h, "api", otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagation.TraceContext{}))

	r := httptest.NewRequest("DELETE", "/vms/1", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)

	fmt.Print(rec.Code, " ", rec.Body.String())
	span := spans.Ended()[0]
	for _, kv := range span.Attributes() {
		if kv.Key == "error.type" || kv.Key == otelapierror.AttrCode {
			fmt.Printf("%s=%s\n", kv.Key, kv.Value.Emit())
		}
	}
	fmt.Println("span status:", span.Status().Code)
	// Output:
	// 403 {"success":false,"error":"INSUFFICIENT_PERMISSIONS","message":"Missing permission.","requestId":"4bf92f3577b34da6a3ce929d0e0e4736"}
	// error.type=permission_denied
	// apierror.code=INSUFFICIENT_PERMISSIONS
	// span status: Unset
}

// Log lines written with a context that carries a span get its trace and
// span ids.
func ExampleLogHandler() {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(otelapierror.LogHandler(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime})))

	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:  trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
	})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	logger.InfoContext(ctx, "request failed", "status", 503)
	logger.InfoContext(context.Background(), "no span here")
	// Output:
	// level=INFO msg="request failed" status=503 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
	// level=INFO msg="no span here"
}
