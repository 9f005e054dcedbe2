package otelapierror

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Log attribute keys LogHandler adds.
const (
	LogKeyTraceID = "trace_id"
	LogKeySpanID  = "span_id"
)

// LogHandler wraps h so that every record logged with a context that
// carries a valid span context gets trace_id and span_id (lowercase hex,
// as W3C Trace Context writes them); other records pass unchanged. The
// middleware logs with the request's context, so its lines carry both
// where there is a span:
//
//	r.Use(middleware.LogTo(slog.New(otelapierror.LogHandler(slog.Default().Handler()))))
//
// The two attributes are added like any other attribute of the record, so
// under a logger's WithGroup they land in that group.
func LogHandler(h slog.Handler) slog.Handler {
	if h == nil {
		panic("apierror/otelapierror: LogHandler needs a handler")
	}
	return traceHandler{h}
}

type traceHandler struct{ next slog.Handler }

func (t traceHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return t.next.Enabled(ctx, l)
}

func (t traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r = r.Clone()
		r.AddAttrs(slog.String(LogKeyTraceID, sc.TraceID().String()), slog.String(LogKeySpanID, sc.SpanID().String()))
	}
	return t.next.Handle(ctx, r)
}

func (t traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{t.next.WithAttrs(as)}
}

func (t traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{t.next.WithGroup(name)}
}
