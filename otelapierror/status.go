package otelapierror

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// TracerProvider wraps tp for otelhttp (otelhttp.WithTracerProvider), so
// that the status description Middleware gives a 5xx span (the failure's
// kind, such as "internal" or "unavailable") survives: otelhttp sets every
// span's status from the response's status code when the handler returns,
// with no description, which would erase it. The spans tp's tracers start
// keep the last non-empty description an Error status was set with when a
// later one comes without any; everything else goes to tp as it is.
//
//	otelhttp.NewHandler(r, "api", otelhttp.WithTracerProvider(otelapierror.TracerProvider(tp)))
func TracerProvider(tp trace.TracerProvider) trace.TracerProvider {
	if tp == nil {
		panic("apierror/otelapierror: TracerProvider needs a provider")
	}
	return keepStatusProvider{tp: tp}
}

type keepStatusProvider struct {
	embedded.TracerProvider
	tp trace.TracerProvider
}

func (p keepStatusProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return keepStatusTracer{tr: p.tp.Tracer(name, opts...)}
}

type keepStatusTracer struct {
	embedded.Tracer
	tr trace.Tracer
}

func (t keepStatusTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	ctx, s := t.tr.Start(ctx, name, opts...)
	if !s.IsRecording() {
		return ctx, s
	}
	ks := &keepStatusSpan{Span: s}
	return trace.ContextWithSpan(ctx, ks), ks
}

// keepStatusSpan keeps the description of an Error status.
type keepStatusSpan struct {
	trace.Span
	mu   sync.Mutex
	desc string
}

// SetStatus sets the status, keeping the description an earlier Error
// status had when this one is Error without a description.
func (s *keepStatusSpan) SetStatus(code codes.Code, description string) {
	if code == codes.Error {
		s.mu.Lock()
		if description != "" {
			s.desc = description
		} else {
			description = s.desc
		}
		s.mu.Unlock()
	}
	s.Span.SetStatus(code, description)
}

// TracerProvider returns the wrapped span's provider, wrapped.
func (s *keepStatusSpan) TracerProvider() trace.TracerProvider {
	return keepStatusProvider{tp: s.Span.TracerProvider()}
}
