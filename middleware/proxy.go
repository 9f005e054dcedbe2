package middleware

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"

	"github.com/apierror/apierror/errresp"
)

// Messages of the reverse-proxy failures.
// ProxyErrorHandler is an ErrorHandler for httputil.ReverseProxy: a request
// the proxy could not forward (upstream down, refused, reset, a bad answer)
// gets a BadGateway (502) envelope in the request's style, and one whose
// upstream timed out a Timeout (504) envelope. The upstream's address and
// the error are logged with the request id, never sent. A client that went
// away is logged at Debug level only.
//
//	proxy := httputil.NewSingleHostReverseProxy(upstream)
//	proxy.ErrorHandler = middleware.ProxyErrorHandler
//
// Without it, the proxy's own empty 502 is intercepted (see Intercept) and
// answered as BadGateway too, but a timeout is then a 502 as well.
func ProxyErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	attrs := []slog.Attr{slog.String("upstream", r.URL.Host), slog.String("error", err.Error())}
	if cerr := r.Context().Err(); errors.Is(cerr, context.Canceled) {
		logFailure(r, slog.LevelDebug, "client went away before the upstream answered", attrs...)
		_, _ = errresp.Write(w, r, cerr)
		return
	}
	var e *errresp.Error
	if proxyTimedOut(err) {
		e = errresp.Wrap(errresp.Timeout, err, "")
	} else {
		e = errresp.Wrap(errresp.BadGateway, err, "")
	}
	logFailure(r, slog.LevelError, "reverse proxy failed", append(attrs, slog.String("kind", e.Kind.String()))...)
	_, _ = errresp.Write(w, r, e)
	reported(w, r)
}

// proxyTimedOut reports whether err says the upstream took too long: a
// deadline, or a network timeout (dial, TLS handshake, response header).
func proxyTimedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
