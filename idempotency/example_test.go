package idempotency_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/middleware"
)

// A create route that requires a key: the retry is a replay, the same key
// with another body a 422.
func Example() {
	created := 0
	r := chi.NewRouter()
	r.Use(middleware.RequestID(), middleware.Style(errresp.GPCN()))
	r.With(idempotency.New(idempotency.NewMemoryStore(), idempotency.WithRequired())).
		Post("/v1/vms", func(w http.ResponseWriter, r *http.Request) {
			created++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":%d}`, created)
		})
	send := func(key, body string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/vms", strings.NewReader(body))
		req.Header.Set("X-Request-ID", "req-1")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Header().Get("Idempotent-Replayed"), strings.TrimSpace(w.Body.String()))
	}
	send(`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, `{"name":"web-1"}`)
	send(`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, `{"name":"web-1"}`)
	send(`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, `{"name":"web-2"}`)
	send("", `{"name":"web-3"}`)
	fmt.Println("created:", created)
	// Output:
	// 201  {"id":1}
	// 201 true {"id":1}
	// 422  {"success":false,"error":"IDEMPOTENCY_KEY_REUSED","message":"This Idempotency-Key was used with a different request; use a new key for a new request.","requestId":"req-1"}
	// 400  {"success":false,"error":"IDEMPOTENCY_KEY_INVALID","message":"This request requires an Idempotency-Key header.","requestId":"req-1","fields":[{"field":"Idempotency-Key","in":"header","message":"This request requires an Idempotency-Key header."}]}
	// created: 1
}
