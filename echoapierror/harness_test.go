package echoapierror_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

func TestMain(m *testing.M) {
	middleware.SetLogger(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// The shared helpers of the adapter modules' tests, under short names.
var (
	call       = adaptertest.Call
	serve      = adaptertest.Serve
	sameAnswer = adaptertest.SameAnswer
)
