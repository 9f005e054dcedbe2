package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/apierror/apierror/errresp"
)

// TestServiceWiring checks the example's wiring on the real SDK: the
// incoming trace id is the request id, and the failure is on the span.
func TestServiceWiring(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})

	r := httptest.NewRequest("GET", "/items/nope", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	service(errresp.GPCN()).ServeHTTP(rec, r)
	if rec.Code != 404 || rec.Header().Get(errresp.HeaderRequestID) != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("%d with X-Request-ID %q", rec.Code, rec.Header().Get(errresp.HeaderRequestID))
	}
	ended := spans.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans", len(ended))
	}
	want := attribute.String("error.type", "not_found")
	for _, kv := range ended[0].Attributes() {
		if kv == want {
			return
		}
	}
	t.Fatalf("span attributes %v lack %v", ended[0].Attributes(), want)
}
