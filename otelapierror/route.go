package otelapierror

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// nameRoute gives the active span and otelhttp's duration metric the route
// r was matched by, once the handler below has returned: otelhttp names its
// span and labels its metric from the Pattern of its own copy of the
// request, which neither chi nor a ServeMux below sets. The span is named
// "{method} {route}" as otelhttp names it when it knows the route, and gets
// http.route; the Labeler gets http.route for the metric. Nothing is done
// when no router matched the request (a 404 keeps the name "GET").
func nameRoute(r *http.Request) {
	route := routeOf(r)
	if route == "" {
		return
	}
	attr := semconv.HTTPRouteKey.String(route)
	if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
		span.SetName(spanMethod(r.Method) + " " + route)
		span.SetAttributes(attr)
	}
	if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
		l.Add(attr)
	}
}

// spanMethod is the method as otelhttp puts it in a span's name: a known
// method in upper case, "HTTP" for any other.
func spanMethod(m string) string {
	switch u := strings.ToUpper(m); u {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return u
	}
	return "HTTP"
}

// routeOf returns the route pattern r was matched by, without a method or
// host (as http.route wants it), or "" when no router has matched it yet.
// It never returns the raw path.
func routeOf(r *http.Request) string {
	p := r.Pattern
	if p == "" {
		if rc := chi.RouteContext(r.Context()); rc != nil {
			p = rc.RoutePattern()
		}
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		p = p[i:] // "GET /items/{id}" or "host/items" from http.ServeMux
	}
	return p
}
