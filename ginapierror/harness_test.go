package ginapierror_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	ginapierror.UseValidation(nil)
	middleware.SetLogger(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// The shared helpers of the adapter modules' tests, under short names.
var (
	call       = adaptertest.Call
	serve      = adaptertest.Serve
	sameAnswer = adaptertest.SameAnswer
)
