package ginapierror

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/bindfail"
	"github.com/apierror/apierror/internal/reqlog"
	"github.com/apierror/apierror/middleware"
)

// answerErrors answers the last error of c.Errors, when the handlers left
// one: an *errresp.Error (anywhere in its chain) or a binding failure in
// place of whatever was written for it so far (the empty 400 of c.Bind), any
// other error with a 500 when nothing was written; when the handler aborted
// with a status, that status's envelope answers it (the core's
// interception) and the error's text stays out of the body. A 5xx cause is
// logged once with the request id, as middleware.Handler logs it.
func answerErrors(c *gin.Context, w http.ResponseWriter, r *http.Request) {
	if len(c.Errors) == 0 {
		return
	}
	ge := c.Errors.Last()
	if prev, _ := c.Get(answeredKey); prev == ge {
		return // a Wrap further in answered it
	}
	var err error
	if e := ErrorOf(ge); e != nil {
		err = e
	} else if c.Writer.Written() {
		// The status the handler aborted with answers (the core's
		// interception); the error's text goes to the log only.
		level := slog.LevelDebug
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		reqlog.Log(nil, r, level, "handler error answered by the status it set", slog.Int("status", c.Writer.Status()),
			slog.String("error", ge.Err.Error()))
		return
	} else {
		err = ge.Err
	}
	c.Set(answeredKey, ge)
	middleware.Handler(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
}

// answeredKey keeps, in c.Keys, the error of c.Errors the stack answered,
// so that Wraps further out do not answer it again.
const answeredKey = "github.com/apierror/apierror/ginapierror.answered"

// ErrorOf returns the *errresp.Error a gin error stands for: the first
// *errresp.Error in its chain, or, for a binding failure (gin's
// ErrorTypeBind, or the errors gin's JSON binding and validator return),
// a 400 InvalidRequest listing each bad field (413 for a body past
// http.MaxBytesReader's limit). It returns nil for any other error, whose
// text must not reach a client.
func ErrorOf(ge *gin.Error) *errresp.Error {
	if ge == nil || ge.Err == nil {
		return nil
	}
	var e *errresp.Error
	if errors.As(ge.Err, &e) {
		return errresp.From(e)
	}
	if e := bindfail.From(ge.Err); e != nil {
		return e
	}
	if ge.IsType(gin.ErrorTypeBind) {
		return errresp.New(errresp.InvalidRequest, "The request could not be read.")
	}
	return nil
}
