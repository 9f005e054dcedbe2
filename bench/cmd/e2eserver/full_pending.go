package main

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	"github.com/apierror/apierror/errresp"
	"github.com/go-playground/validator/v10"
)

// The pieces of the full stack whose packages are not in the library yet are
// stood in for here with the least code that keeps the stack's shape: errresp
// for every failure, validator/v10 for the rules.

var v = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	return v
}()

func fullMiddleware() []func(http.Handler) http.Handler {
	return []func(http.Handler) http.Handler{func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r = errresp.Begin(w, r)
			next.ServeHTTP(w, errresp.WithStyle(r, errresp.GPCN))
		})
	}}
}

func v1Middleware() []func(http.Handler) http.Handler {
	return []func(http.Handler) http.Handler{func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-API-Key") != apiKey {
				_ = errresp.Write(w, r, errresp.New(errresp.NotAuthenticated, "An API key is required."))
				return
			}
			next.ServeHTTP(w, r)
		})
	}}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	_ = errresp.Write(w, r, errresp.New(errresp.NotFound, "No such route."))
}

func vmID(r *http.Request) (string, error) {
	id := chiParam(r, "id")
	if v.Var(id, "uuid") != nil {
		return "", errresp.Invalid("The id is not a UUID.", errresp.FieldError{Field: "id", In: "path", Rule: "uuid", Message: "id must be a UUID"})
	}
	return id, nil
}

func decodeVM(r *http.Request, dst *createVM) error {
	if err := json.NewDecoder(r.Body).Decode(dst); err != nil {
		return errresp.New(errresp.InvalidRequest, "The body is not valid JSON.")
	}
	if err := v.Struct(dst); err != nil {
		var fields []errresp.FieldError
		if ves, ok := err.(validator.ValidationErrors); ok {
			for _, fe := range ves {
				fields = append(fields, errresp.FieldError{Field: fe.Field(), Rule: fe.Tag(), Param: fe.Param(), Message: fe.Error()})
			}
		}
		return errresp.Invalid("The request body failed validation.", fields...)
	}
	return nil
}
