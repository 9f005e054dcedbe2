package otelapierror

import (
	"net/http"

	"go.opentelemetry.io/otel/trace"

	"github.com/apierror/apierror/middleware"
)

// RequestIDFromSpan is a middleware.RequestID option that makes the trace
// id of the span active in the request's context the request id, so that
// the id a client quotes from an envelope finds the trace. Mount RequestID
// below otelhttp: its server span carries the trace id of the incoming
// traceparent (with a W3C propagator) or of the new trace it starts. With
// no span in the context the incoming traceparent's trace id is used (see
// middleware.TraceparentTraceID), and without that RequestID behaves as it
// does without this option.
func RequestIDFromSpan() middleware.RequestIDOption {
	return middleware.RequestIDFrom(spanTraceID)
}

// spanTraceID returns the trace id of r's active span, or of its
// traceparent header, or "".
func spanTraceID(r *http.Request) string {
	if sc := trace.SpanContextFromContext(r.Context()); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return middleware.TraceparentTraceID(r)
}
