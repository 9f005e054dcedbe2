package otelapierror

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/middleware"
)

// ScopeName is the instrumentation scope of the meter and logger.
const ScopeName = "github.com/apierror/apierror/otelapierror"

// AttrCode is the attribute that carries the style's code for a failure,
// such as "RATE_LIMIT_EXCEEDED" or "permission_denied".
const AttrCode = attribute.Key("apierror.code")

// MetricFailures is the name of the counter of failures answered.
const MetricFailures = "apierror.server.failures"

// EventException is the event name of the log record a 5xx cause or a
// panic is reported with (semantic conventions, HTTP exceptions).
const EventException = "http.server.request.exception"

// Option configures Middleware.
type Option func(*config)

type config struct {
	meters  metric.MeterProvider
	loggers log.LoggerProvider
}

// WithMeterProvider sets where the failure counter is recorded. The default
// is the global provider (otel.GetMeterProvider) when Middleware is called.
func WithMeterProvider(mp metric.MeterProvider) Option {
	if mp == nil {
		panic("apierror/otelapierror: WithMeterProvider needs a provider")
	}
	return func(c *config) { c.meters = mp }
}

// WithLoggerProvider sets where exception log records go. The default is
// the global provider (go.opentelemetry.io/otel/log/global) when Middleware
// is called.
func WithLoggerProvider(lp log.LoggerProvider) Option {
	if lp == nil {
		panic("apierror/otelapierror: WithLoggerProvider needs a provider")
	}
	return func(c *config) { c.loggers = lp }
}

// recorder holds the instruments one Middleware records with.
type recorder struct {
	failures metric.Int64Counter
	logger   log.Logger

	mu     sync.RWMutex
	series map[seriesKey][]metric.AddOption // the counter's attributes, built once a series
}

// seriesKey names one series of the failure counter.
type seriesKey struct {
	kind   errresp.Kind
	code   string
	status int
	route  string
}

// maxSeries bounds the cache of counter attributes; series past it are
// still counted, with their attributes built each time.
const maxSeries = 4096

// Middleware reports every failure errresp.Write sends for a request below
// it, as the package documentation lists, and nothing for a success. It
// installs an error hook (middleware.OnError), so it chains with hooks
// installed above it. The span it annotates is the one active in the
// request's context (otelhttp's server span when otelhttp is mounted
// above); without one, only the metrics and log records are recorded.
//
// Mount it right below middleware.RequestID and above Timeout, which hands
// the rest of the request its own copy of the hook.
func Middleware(opts ...Option) func(http.Handler) http.Handler {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.meters == nil {
		c.meters = otel.GetMeterProvider()
	}
	if c.loggers == nil {
		c.loggers = global.GetLoggerProvider()
	}
	failures, err := c.meters.Meter(ScopeName).Int64Counter(MetricFailures,
		metric.WithUnit("{failure}"),
		metric.WithDescription("Failures answered with an error envelope, by kind, code, status and route."))
	if err != nil {
		panic("apierror/otelapierror: " + err.Error())
	}
	rc := &recorder{failures: failures, logger: c.loggers.Logger(ScopeName), series: make(map[seriesKey][]metric.AddOption)}
	onError := middleware.OnError(rc.observe)
	return func(next http.Handler) http.Handler {
		// Inside OnError, r is the request next is served with, which the
		// router below matches (chi's route context, or ServeMux's Pattern).
		return onError(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			nameRoute(r)
		}))
	}
}

// observe is the errresp.Observer: it runs once a failure, before the body
// is written.
func (rc *recorder) observe(r *http.Request, e *errresp.Error, status int) {
	ctx := r.Context()
	kind := e.Kind
	if kind == errresp.Unknown {
		kind = errresp.Internal
	}
	code := e.Code
	if code == "" {
		code = errresp.StyleOf(r).Code(kind).Code
	}
	errType := semconv.ErrorTypeKey.String(kind.String())
	attrCode := AttrCode.String(code)

	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(errType, attrCode)
		if status >= 500 {
			span.SetStatus(codes.Error, kind.String())
		}
	}
	if l, ok := otelhttp.LabelerFromContext(ctx); ok {
		l.Add(errType)
	}
	rc.failures.Add(ctx, 1, rc.seriesOptions(seriesKey{kind, code, status, routeOf(r)}, errType, attrCode)...)
	if status >= 500 {
		rc.exception(ctx, e, errType, attrCode)
	}
}

// seriesOptions returns the options that record one failure of series k.
func (rc *recorder) seriesOptions(k seriesKey, errType, attrCode attribute.KeyValue) []metric.AddOption {
	rc.mu.RLock()
	opts, ok := rc.series[k]
	rc.mu.RUnlock()
	if ok {
		return opts
	}
	attrs := []attribute.KeyValue{errType, attrCode, semconv.HTTPResponseStatusCodeKey.Int(k.status)}
	if k.route != "" {
		attrs = append(attrs, semconv.HTTPRouteKey.String(k.route))
	}
	opts = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
	rc.mu.Lock()
	if len(rc.series) < maxSeries {
		rc.series[k] = opts
	}
	rc.mu.Unlock()
	return opts
}

// exception emits the log record of a 5xx: its cause (or, when it has none,
// the error itself), and the stack of a panic.
func (rc *recorder) exception(ctx context.Context, e *errresp.Error, attrs ...attribute.KeyValue) {
	// The log record keeps its span: a request whose client went away still
	// deserves its record.
	ctx = context.WithoutCancel(ctx)
	if !rc.logger.Enabled(ctx, log.EnabledParameters{Severity: log.SeverityError, EventName: EventException}) {
		return
	}
	var cause error = e
	if e.Err != nil {
		cause = e.Err
	}
	var rec log.Record
	rec.SetEventName(EventException)
	rec.SetSeverity(log.SeverityError)
	rec.SetSeverityText("ERROR")
	rec.SetErr(cause)
	var pe *middleware.PanicError
	if errors.As(cause, &pe) {
		rec.SetBody(attribute.StringValue("panic recovered"))
		rec.AddAttributes(
			semconv.ExceptionTypeKey.String(fmt.Sprintf("%T", pe.Value)),
			semconv.ExceptionMessageKey.String(fmt.Sprint(pe.Value)),
			semconv.ExceptionStacktraceKey.String(string(pe.Stack)))
	} else {
		rec.SetBody(attribute.StringValue("request failed"))
		rec.AddAttributes(
			semconv.ExceptionTypeKey.String(fmt.Sprintf("%T", cause)),
			semconv.ExceptionMessageKey.String(cause.Error()))
	}
	rec.AddAttributes(attrs...)
	rc.logger.Emit(ctx, rec)
}
