package otelapierror_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
	"github.com/apierror/apierror/otelapierror"
)

// telemetry is one real OpenTelemetry SDK pipeline a test records into:
// spans in a SpanRecorder, metrics through a ManualReader, log records
// through a SimpleProcessor into memory.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
	logs   *memLogs
	lp     *sdklog.LoggerProvider
}

func newTelemetry(t testing.TB) *telemetry {
	tm := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader(), logs: &memLogs{}}
	tm.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tm.spans))
	tm.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(tm.reader))
	tm.lp = sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(tm.logs)))
	t.Cleanup(func() {
		ctx := context.Background()
		_ = tm.tp.Shutdown(ctx)
		_ = tm.mp.Shutdown(ctx)
		_ = tm.lp.Shutdown(ctx)
	})
	return tm
}

// middleware returns the package's middleware recording into tm.
func (tm *telemetry) middleware() func(http.Handler) http.Handler {
	return otelapierror.Middleware(otelapierror.WithMeterProvider(tm.mp), otelapierror.WithLoggerProvider(tm.lp))
}

// otelhttp wraps h in otelhttp's server handler recording into tm, with the
// W3C trace context propagator and the provider wrapped as the package
// documents, so that a span's status description survives.
func (tm *telemetry) otelhttp(h http.Handler) http.Handler {
	return otelhttp.NewHandler(h, "api", otelhttp.WithTracerProvider(otelapierror.TracerProvider(tm.tp)), otelhttp.WithMeterProvider(tm.mp),
		otelhttp.WithPropagators(propagation.TraceContext{}))
}

// service is a chi service in style st, fully instrumented: otelhttp,
// RequestID from the span, the package's middleware, Recoverer. Its routes:
// GET /fail/{n} returns fail, GET /ok/{n} succeeds, GET /panic/{n} panics
// with the value panicWith, GET /legacy/{status} answers with http.Error
// and that status, as code that does not know the library would.
func (tm *telemetry) service(st *errresp.Style, fail error, panicWith any) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID(otelapierror.RequestIDFromSpan()), tm.middleware(), middleware.Recoverer(), middleware.Style(st))
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Method("GET", "/fail/{n}", middleware.Handler(func(http.ResponseWriter, *http.Request) error { return fail }))
	r.Get("/ok/{n}", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	r.Get("/panic/{n}", func(http.ResponseWriter, *http.Request) { panic(panicWith) })
	r.Get("/legacy/{status}", func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(chi.URLParam(r, "status"))
		if status < 500 {
			http.Error(w, "The machine is locked.", status) // a 4xx's text is its message
			return
		}
		http.Error(w, "pq: password authentication failed: "+secret, status)
	})
	return tm.otelhttp(r)
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// span returns the one span that ended.
func (tm *telemetry) span(t testing.TB) sdktrace.ReadOnlySpan {
	t.Helper()
	ended := tm.spans.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans ended, want 1", len(ended))
	}
	return ended[0]
}

// collect reads every metric recorded so far.
func (tm *telemetry) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tm.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// metric returns the named metric, or nil.
func findMetric(rm metricdata.ResourceMetrics, name string) *metricdata.Metrics {
	for _, sm := range rm.ScopeMetrics {
		for i := range sm.Metrics {
			if sm.Metrics[i].Name == name {
				return &sm.Metrics[i]
			}
		}
	}
	return nil
}

// failures returns the data points of the package's counter.
func failures(t testing.TB, rm metricdata.ResourceMetrics) []metricdata.DataPoint[int64] {
	t.Helper()
	m := findMetric(rm, otelapierror.MetricFailures)
	if m == nil {
		return nil
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	if !ok || !sum.IsMonotonic {
		t.Fatalf("%s is %T, want a monotonic Sum[int64]", otelapierror.MetricFailures, m.Data)
	}
	return sum.DataPoints
}

// durationAttrs returns the attribute sets of otelhttp's request duration.
func durationAttrs(t testing.TB, rm metricdata.ResourceMetrics) []attribute.Set {
	t.Helper()
	m := findMetric(rm, "http.server.request.duration")
	if m == nil {
		t.Fatal("otelhttp recorded no http.server.request.duration")
	}
	var sets []attribute.Set
	for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
		sets = append(sets, dp.Attributes)
	}
	return sets
}

// memLogs is an sdk/log Exporter that keeps what it is given.
type memLogs struct {
	mu      sync.Mutex
	records []sdklog.Record
}

func (m *memLogs) Export(_ context.Context, rs []sdklog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rs {
		m.records = append(m.records, r.Clone())
	}
	return nil
}

func (m *memLogs) Shutdown(context.Context) error   { return nil }
func (m *memLogs) ForceFlush(context.Context) error { return nil }

func (m *memLogs) all() []sdklog.Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.records)
}

// logAttr returns the string value of a log record's attribute.
func logAttr(r sdklog.Record, key attribute.Key) string {
	var v string
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		if kv.Key == key {
			v = kv.Value.Emit()
			return false
		}
		return true
	})
	return v
}

// spanAttr returns the value of a span attribute and whether it is set.
func spanAttr(s sdktrace.ReadOnlySpan, key attribute.Key) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}
