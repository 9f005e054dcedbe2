package huma

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqlog"
)

// requestOf is a request carrying ctx's context, for the errresp and
// reqlog functions that read the per-request state from a request.
func requestOf(ctx huma.Context) *http.Request {
	u := ctx.URL()
	return (&http.Request{Method: ctx.Method(), URL: &u, Header: http.Header{}}).WithContext(ctx.Context())
}

// styleOf is the style the request of ctx is answered in.
func styleOf(ctx huma.Context) *errresp.Style { return errresp.StyleOf(requestOf(ctx)) }

// transform is the huma.Transformer that writes a statusError in the
// style of the request: the envelope errresp.Render gives, with the
// headers errresp.Write sets (Content-Type, nosniff, no-store, the request
// id, Retry-After and the error's own). A 5xx's cause is logged with the
// request id.
func transform(ctx huma.Context, _ string, v any) (any, error) {
	se, ok := v.(*statusError)
	if !ok {
		return v, nil
	}
	r := requestOf(ctx)
	s := errresp.StyleOf(r)
	id := errresp.RequestID(r.Context())
	body, status := errresp.Render(s, se.e, id)
	ctx.SetHeader("Content-Type", s.ContentType)
	ctx.SetHeader("X-Content-Type-Options", "nosniff")
	ctx.SetHeader("Cache-Control", "no-store")
	if id != "" {
		ctx.SetHeader(errresp.HeaderRequestID, id)
	}
	if se.e.RetryAfter > 0 {
		ctx.SetHeader("Retry-After", strconv.FormatInt(int64((se.e.RetryAfter+time.Second-1)/time.Second), 10))
	}
	for k, vs := range se.e.Header {
		for i, v := range vs {
			if i == 0 {
				ctx.SetHeader(k, v)
			} else {
				ctx.AppendHeader(k, v)
			}
		}
	}
	if status >= 500 && se.e.Err != nil {
		reqlog.Log(nil, r, slog.LevelError, "request failed", slog.Int("status", status),
			slog.String("kind", se.e.Kind.String()), slog.String("error", se.e.Err.Error()))
	}
	se.status = status
	return json.RawMessage(body[:len(body)-1]), nil
}
