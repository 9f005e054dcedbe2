package ginapierror_test

import (
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
)

// TestErrorOf: what a gin error stands for. A binding failure gin reports
// (ErrorTypeBind) is a 400 listing the field, as internal/bindfail words
// encoding/json's and validator's errors; a binding failure of a kind it
// does not know is a 400 without its text; an *errresp.Error is itself;
// any other error is nil, its text never sent.
func TestErrorOf(t *testing.T) {
	t.Parallel()
	typeErr := json.Unmarshal([]byte(`{"size":"x"}`), new(item))
	for _, tc := range []struct {
		name    string
		ge      *gin.Error
		kind    errresp.Kind
		message string
		fields  int
	}{
		{"gin's JSON binding", &gin.Error{Err: typeErr, Type: gin.ErrorTypeBind}, errresp.InvalidRequest, "size must be an integer.", 1},
		{"another binding failure", &gin.Error{Err: errors.New("yaml: line 3"), Type: gin.ErrorTypeBind}, errresp.InvalidRequest, "The request could not be read.", 0},
		{"wrapped *errresp.Error", &gin.Error{Err: errors.Join(io.EOF, errresp.New(errresp.Conflict, "taken"))}, errresp.Conflict, "taken", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := ginapierror.ErrorOf(tc.ge)
			if e == nil || e.Kind != tc.kind || e.Message != tc.message || len(e.Fields) != tc.fields {
				t.Fatalf("ErrorOf = %+v, want %s %q with %d fields", e, tc.kind, tc.message, tc.fields)
			}
		})
	}
	if e := ginapierror.ErrorOf(&gin.Error{Err: errors.New(secret), Type: gin.ErrorTypePrivate}); e != nil {
		t.Fatalf("a plain error became %+v", e)
	}
	if e := ginapierror.ErrorOf(nil); e != nil {
		t.Fatalf("nil became %+v", e)
	}
}
