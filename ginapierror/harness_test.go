package ginapierror_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	ginapierror.UseValidation(nil)
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the stack logs to slog.Default() without LogTo
	os.Exit(m.Run())
}

// The shared helpers of the adapter modules' tests, under short names.
var (
	call       = adaptertest.Call
	serve      = adaptertest.Serve
	sameAnswer = adaptertest.SameAnswer
)
