package otelapierror_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// The route reaches otelhttp's span name, its http.route attribute and its
// duration metric, under chi and under a ServeMux (the library's adapter),
// for a success, a 5xx and a declared code, whose span, duration point and
// counter say its kind; a 5xx span keeps its status description.
// The declaration is process-wide; its code is this test's own.
func TestRouteAndDeclaredKind(t *testing.T) {
	errresp.DeclareCodes(errresp.ServiceCode{Code: "VM_RESIZING", Kind: errresp.Conflict, Status: 423, Title: "The VM is being resized."})
	vm := func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if id == "" {
			id = chi.URLParam(r, "id")
		}
		switch id {
		case "locked":
			return &errresp.Error{Code: "VM_RESIZING"}
		case "broken":
			return errors.New("db: " + secret)
		}
		_, _ = w.Write([]byte("vm\n"))
		return nil
	}
	routers := map[string]func(tm *telemetry) http.Handler{
		"chi": func(tm *telemetry) http.Handler {
			r := chi.NewRouter()
			r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan()), tm.middleware(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
			r.Get("/v1/vms/{id}", middleware.Handler(vm).ServeHTTP)
			return tm.otelhttp(r)
		},
		"ServeMux": func(tm *telemetry) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /v1/vms/{id}", middleware.Handler(vm))
			h := middleware.ServeMux(mux)
			for _, mw := range []func(http.Handler) http.Handler{middleware.Style(errresp.GPCN()), middleware.Recoverer(), tm.middleware(), middleware.RequestID(otelapierror.RequestIDFromSpan())} {
				h = mw(h)
			}
			return tm.otelhttp(h)
		},
	}
	cases := []struct {
		id, errType string
		status      int
	}{
		{"vm-1", "", 200},
		{"locked", "conflict", 423},
		{"broken", "internal", 500},
	}
	for name, mk := range routers {
		for _, tc := range cases {
			t.Run(name+"/"+tc.id, func(t *testing.T) {
				tm := newTelemetry(t)
				rec := httptest.NewRecorder()
				mk(tm).ServeHTTP(rec, httptest.NewRequest("GET", "/v1/vms/"+tc.id, nil))
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
				}
				span := tm.span(t)
				if span.Name() != "GET /v1/vms/{id}" {
					t.Errorf("span name %q", span.Name())
				}
				if v, _ := spanAttr(span, semconv.HTTPRouteKey); v.AsString() != "/v1/vms/{id}" {
					t.Errorf("span http.route %q", v.Emit())
				}
				if v, _ := spanAttr(span, semconv.ErrorTypeKey); v.AsString() != tc.errType && !(tc.errType == "" && v.Type() == attribute.INVALID) {
					t.Errorf("span error.type %q, want %q", v.Emit(), tc.errType)
				}
				if tc.status >= 500 && (span.Status().Code != codes.Error || span.Status().Description != tc.errType) {
					t.Errorf("span status %+v", span.Status())
				}
				rm := tm.collect(t)
				dur := durationAttrs(t, rm)
				if len(dur) != 1 {
					t.Fatalf("%d duration series", len(dur))
				}
				if v, _ := dur[0].Value(semconv.HTTPRouteKey); v.AsString() != "/v1/vms/{id}" {
					t.Errorf("duration http.route %q (%v)", v.Emit(), dur[0].ToSlice())
				}
				if v, _ := dur[0].Value(semconv.ErrorTypeKey); tc.errType != "" && v.AsString() != tc.errType {
					t.Errorf("duration error.type %q, want %q", v.Emit(), tc.errType)
				}
				dps := failures(t, rm)
				if tc.errType == "" {
					if len(dps) != 0 {
						t.Errorf("a success counted: %+v", dps)
					}
					return
				}
				if len(dps) != 1 {
					t.Fatalf("counter points %+v", dps)
				}
				if v, _ := dps[0].Attributes.Value(semconv.ErrorTypeKey); v.AsString() != tc.errType {
					t.Errorf("counter error.type %q, want %q", v.Emit(), tc.errType)
				}
				if v, _ := dps[0].Attributes.Value(semconv.HTTPRouteKey); v.AsString() != "/v1/vms/{id}" {
					t.Errorf("counter http.route %q", v.Emit())
				}
			})
		}
	}
}
