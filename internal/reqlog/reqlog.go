// Package reqlog is the logger that the module's middleware log request
// failures through: the request's logger (middleware.LogTo sets it in the
// per-request state; slog.Default() without one) and one line shape,
// carrying the request id and, for an authenticated request, the
// principal's id.
package reqlog

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/apierror/apierror/internal/reqstate"
	"github.com/apierror/apierror/principal"
)

// KeyRequestID is the attribute key under which every line carries the
// request id.
const KeyRequestID = "request_id"

// For returns the logger of the request ctx belongs to: the one
// middleware.LogTo set, else slog.Default() at the time of the call.
func For(ctx context.Context) *slog.Logger {
	if st := reqstate.From(ctx); st != nil && st.Logger != nil {
		return st.Logger
	}
	return slog.Default()
}

// Log logs msg at level on l (nil means the request's logger, For) with the
// request's id, method and path, the principal's id when the request
// carries one (never its credential), then attrs. It costs nothing when l
// discards the level.
func Log(l *slog.Logger, r *http.Request, level slog.Level, msg string, attrs ...slog.Attr) {
	if l == nil {
		l = For(r.Context())
	}
	ctx := context.WithoutCancel(r.Context())
	if !l.Enabled(ctx, level) {
		return
	}
	all := make([]slog.Attr, 0, 4+len(attrs))
	var id string
	if st := reqstate.From(ctx); st != nil {
		id = st.ID
	}
	all = append(all, slog.String(KeyRequestID, id),
		slog.String("method", r.Method), slog.String("path", r.URL.Path))
	if p := principal.FromContext(ctx); p != nil {
		all = append(all, slog.String("principal_id", p.ID))
	}
	l.LogAttrs(ctx, level, msg, append(all, attrs...)...)
}
