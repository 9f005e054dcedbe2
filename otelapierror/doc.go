// Package otelapierror reports the failures apierror answers to OpenTelemetry: on
// the active server span, on otelhttp's request-duration metric, in a
// counter of its own and, for a panic or a 5xx cause, as an exception log
// record. It also makes the request id the trace id, and puts trace_id and
// span_id on log lines. It is a module of its own, so services that do not
// use OpenTelemetry never download it.
//
// Its name follows OpenTelemetry's contrib packages (otelhttp, otelgin), so
// that it imports beside go.opentelemetry.io/otel without an alias. A chi
// service whose router otelhttp.NewHandler already wraps adds:
//
//	r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan())) // the request id is the trace id
//	r.Use(otelapierror.Middleware())                              // failures on spans, metrics, logs
//	r.Use(middleware.Recoverer(), middleware.Style(errresp.GPCN()))
//	r.Use(middleware.LogTo(slog.New(otelapierror.LogHandler(slog.Default().Handler())))) // trace ids on log lines
//	h := otelhttp.NewHandler(r, "api", otelhttp.WithTracerProvider(otelapierror.TracerProvider(tp)))
//
// Middleware goes below RequestID and above Timeout and the handlers; the
// span it annotates is otelhttp's server span, so otelhttp stays
// outermost.
//
// What a failure records, for every envelope errresp.Write sends, whoever
// produced it (a returned error, a panic, a router miss, a guard,
// authentication, a rate limit; a foreign error response the middleware
// replaces goes through errresp.Write too):
//
//   - on the active span: error.type, the kind's stable name such as
//     "rate_limited"; apierror.code, the style's code such as
//     "RATE_LIMIT_EXCEEDED"; status Error for a 5xx only, as the HTTP
//     server conventions say (a 4xx leaves the status unset), described
//     by the kind (TracerProvider keeps the description when otelhttp
//     sets the status from the code);
//   - on otelhttp's http.server.request.duration: error.type, through
//     otelhttp's Labeler;
//   - the counter apierror.server.failures, by error.type, apierror.code,
//     http.response.status_code and http.route (the route pattern, from
//     http.Request.Pattern or chi; never the raw path);
//   - for a 5xx only: one log record through the OpenTelemetry Logs API,
//     event http.server.request.exception at severity ERROR, with
//     exception.type, exception.message and, for a panic,
//     exception.stacktrace, correlated with the span. The semantic
//     conventions deprecate exceptions as span events in favour of log
//     records, so none is added to the span. A 4xx records nothing of its
//     cause anywhere.
//
// A declared code (errresp.DeclareCodes) is recorded with its kind. Every
// request, a success included, names the span by its route ("GET
// /v1/vms/{id}", as otelhttp does when it sees the route) and gives the
// span and otelhttp's duration metric http.route, under chi and
// http.ServeMux alike: otelhttp reads the route from its own copy of the
// request, which the routers below never set. Nothing else is recorded for
// a success.
package otelapierror
