package humaapierror

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"

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
// style of the request: errresp.Write answers it into a capture, so that
// the request's error hook (middleware.OnError) sees it and the headers are
// the ones Write sets (the style's Content-Type, nosniff, no-store, the
// request id, Retry-After, the error's own, Connection: close for a body
// left unread); they are copied to huma's response and the body returned
// for huma to write. A 5xx's cause is logged with the request id.
func transform(ctx huma.Context, _ string, v any) (any, error) {
	se, ok := v.(*statusError)
	if !ok {
		return v, nil
	}
	r := requestOf(ctx)
	cw := &capture{h: http.Header{}}
	status, _ := errresp.Write(cw, r, se.e)
	if status == 0 {
		return v, nil // the response has started: huma writes what it can
	}
	for k, vs := range cw.h {
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
	return json.RawMessage(bytes.TrimSuffix(cw.body, []byte("\n"))), nil
}

// capture is the writer errresp.Write answers into for huma, which writes
// the response itself.
type capture struct {
	h    http.Header
	body []byte
}

func (c *capture) Header() http.Header         { return c.h }
func (c *capture) WriteHeader(int)             {}
func (c *capture) Write(b []byte) (int, error) { c.body = append(c.body, b...); return len(b), nil }
