package middleware

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
)

// jsonError is a handler that answers as a service that already speaks JSON
// writes its errors: its own body, with the status, and the Content-Type
// when ct is set.
func jsonError(status int, ct, body string) func(*testing.T, *busy) http.Handler {
	return func(*testing.T, *busy) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
		})
	}
}

// The secrets a 5xx JSON body carries, none of which may reach the client.
var jsonSecrets = []string{"pq:", "10.1.2.3", "password", "10.0.0.5", "goroutine"}

// jsonProducers are handlers that write their own JSON errors: 5xx bodies in
// four shapes (withheld), and 4xx bodies in the shapes people write, each
// with and without a Content-Type (message, code and fields carried over).
func jsonProducers() []producer {
	var out []producer
	for _, p := range []struct {
		name, ct, body string
		status         int
		kind           errresp.Kind
	}{
		{"gin", "application/json; charset=utf-8", `{"error":"` + jsonEscape(leak) + `"}`, 500, errresp.Internal},
		{"echo", "", `{"message":"dial tcp 10.0.0.5:5432: connection refused"}` + "\n", 503, errresp.Unavailable},
		{"error object", "application/json", `{"error":{"code":500,"message":"` + jsonEscape(leak) + `","status":"INTERNAL"}}`, 500, errresp.Internal},
		{"problem", "application/problem+json", `{"type":"about:blank","title":"Bad Gateway","status":502,"detail":"upstream 10.0.0.5 said: password expired","errors":[{"message":"goroutine 7 [running]","location":"body.x"}]}`, 502, errresp.BadGateway},
	} {
		out = append(out, producer{name: "JSON " + p.name + " 5xx", pattern: "/p", path: "/p",
			handler: jsonError(p.status, p.ct, p.body), status: p.status, kind: p.kind, secrets: jsonSecrets})
	}
	for _, p := range []struct {
		name, ct, body string
		status         int
		kind           errresp.Kind
		message, code  string
		fields         []errresp.FieldError
	}{
		{"gin", "application/json", `{"error":"quantity must be positive"}`, 400, errresp.InvalidRequest,
			"quantity must be positive", "", nil},
		{"echo", "application/json", `{"message":"item nope not found"}` + "\n", 404, errresp.NotFound,
			"item nope not found", "", nil},
		{"error object", "application/json", `{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined.","param":"card_number"}}`,
			402, errresp.ClientError, "Your card was declined.", "card_declined",
			[]errresp.FieldError{{Field: "card_number", Message: "Your card was declined."}}},
		{"errors list", "application/json", `{"errors":[{"field":"name","message":"name is required"},{"field":"items[0].qty","message":"must be positive","code":"min"}]}`,
			422, errresp.Unprocessable, "name is required", "",
			[]errresp.FieldError{{Field: "name", Message: "name is required"}, {Field: "items[0].qty", Rule: "min", Message: "must be positive"}}},
		{"problem details", "application/problem+json", `{"title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected required property name to be present","location":"body.name","value":{}}]}`,
			422, errresp.Unprocessable, "validation failed", "",
			[]errresp.FieldError{{Field: "name", In: "body", Message: "expected required property name to be present"}}},
		{"github", "application/json", `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://docs.github.com/rest"}`,
			422, errresp.Unprocessable, "Validation Failed", "", []errresp.FieldError{{Field: "title", Rule: "missing_field"}}},
		{"google", "application/json", `{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}`,
			429, errresp.RateLimited, "Quota exceeded.", "RESOURCE_EXHAUSTED", nil},
	} {
		for _, ct := range []string{p.ct, ""} {
			name := "JSON " + p.name + " 4xx"
			if ct == "" {
				name += " without Content-Type"
			}
			out = append(out, producer{name: name, pattern: "/p", path: "/p",
				handler: jsonError(p.status, ct, p.body), status: p.status, kind: p.kind,
				message: p.message, code: p.code, fields: p.fields})
		}
	}
	return out
}

// jsonEscape escapes the quotes of s for a JSON string.
func jsonEscape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// A handler's own JSON 500 never reaches the client, but is logged with the
// request id, like a text one.
func TestForeignJSON5xxLogged(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	body := `{"error":"` + jsonEscape(leak) + `"}`
	h := stacks["chi"](errresp.AuthPI(), "/p", jsonError(500, "application/json", body)(t, nil))
	rec := mwServe(h, mwRequest("GET", "/p", id))
	mwAssertNotContains(t, rec.Body.String(), jsonSecrets...)
	l, ok := mwHasLog(id, "server error from below")
	if !ok || l.level != slog.LevelError || l.attrs["body"] != body || l.attrs["status"] != "500" {
		t.Fatalf("log line %+v (found %v)", l, ok)
	}
}

// InterceptJSON(false) on a group leaves its JSON errors as they are (text
// errors are still intercepted); InterceptJSON(true) on one of its routes
// turns it back on.
func TestInterceptJSONOptOut(t *testing.T) {
	t.Parallel()
	own := jsonError(400, "application/json", `{"error":"quantity must be positive"}`)(t, nil)
	text := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "plain", 400) })
	r := chi.NewRouter()
	r.Use(RequestID(), Recoverer(), Style(errresp.GPCN()))
	r.Get("/on", own.ServeHTTP)
	r.Group(func(g chi.Router) {
		g.Use(InterceptJSON(false))
		g.Get("/off", own.ServeHTTP)
		g.Get("/text", text)
		g.With(InterceptJSON(true)).Get("/back-on", own.ServeHTTP)
	})
	for path, want := range map[string]string{
		"/on":      `{"success":false,"error":"INVALID_REQUEST","message":"quantity must be positive","requestId":"x"}` + "\n",
		"/off":     `{"error":"quantity must be positive"}`,
		"/text":    `{"success":false,"error":"INVALID_REQUEST","message":"plain","requestId":"x"}` + "\n",
		"/back-on": `{"success":false,"error":"INVALID_REQUEST","message":"quantity must be positive","requestId":"x"}` + "\n",
	} {
		rec := mwServe(r, mwRequest("GET", path, "x"))
		if rec.Code != 400 || rec.Body.String() != want {
			t.Errorf("%s: %d %q, want %q", path, rec.Code, rec.Body, want)
		}
	}
}

// A JSON body longer than the 64 KiB kept of it is cut off, so it is read as
// text: its message is not carried over, and it is not passed on even when it
// is in the request's style. A body that only looks like JSON is text too.
func TestForeignJSONCutOff(t *testing.T) {
	t.Parallel()
	long := `{"success":false,"error":"INVALID_REQUEST","message":"` + strings.Repeat("x", 70<<10) + `"}`
	for name, tc := range map[string]struct {
		ct, body string
		message  string
	}{
		"too long":         {"application/json", long, ""},
		"does not parse":   {"application/json", `{"error":"quantity must`, ""},
		"mislabelled text": {"application/json", "quantity must be positive\n", "quantity must be positive"},
	} {
		h := stacks["servemux"](errresp.GPCN(), "/p", jsonError(400, tc.ct, tc.body)(t, nil))
		rec := mwServe(h, mwRequest("GET", "/p", "x"))
		want, _ := errresp.Render(errresp.GPCN(), &errresp.Error{Kind: errresp.InvalidRequest, HTTPStatus: 400, Message: tc.message}, "x")
		if rec.Code != 400 || rec.Body.String() != string(want) {
			t.Errorf("%s: %d %.200q, want %q", name, rec.Code, rec.Body, want)
		}
	}
}
