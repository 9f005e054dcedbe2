package main

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-playground/validator/v10"
)

// bareStack is the routes on chi with nothing around them, written the way a
// service without an error library writes them.
func bareStack() http.Handler {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, okBody) })
	r.Get("/v1/vms", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, listBody) })
	r.Get("/v1/vms/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := chi.URLParam(r, "id")
		switch {
		case v.Var(id, "uuid") != nil:
			bareError(w, http.StatusBadRequest, "id must be a UUID", nil)
		case id != knownID:
			bareError(w, http.StatusNotFound, "no such VM", nil)
		default:
			writeJSON(w, http.StatusOK, vmBody)
		}
	})
	r.Post("/v1/vms", func(w http.ResponseWriter, r *http.Request) {
		var in createVM
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			bareError(w, http.StatusBadRequest, "malformed JSON body", nil)
			return
		}
		if err := v.Struct(&in); err != nil {
			var fields []bareField
			if ves, ok := err.(validator.ValidationErrors); ok {
				for _, fe := range ves {
					fields = append(fields, bareField{Field: fe.Field(), Rule: fe.Tag(), Message: fe.Error()})
				}
			}
			bareError(w, http.StatusBadRequest, "validation failed", fields)
			return
		}
		writeJSON(w, http.StatusCreated, vmBody)
	})
	return r
}

type bareField struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// bareError writes an error body by hand with encoding/json.
func bareError(w http.ResponseWriter, status int, msg string, fields []bareField) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error  string      `json:"error"`
		Fields []bareField `json:"fields,omitempty"`
	}{msg, fields})
}
