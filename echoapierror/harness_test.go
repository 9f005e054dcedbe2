package echoapierror_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/apierror/apierror/internal/adaptertest"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the stack logs to slog.Default() without LogTo
	os.Exit(m.Run())
}

// The shared helpers of the adapter modules' tests, under short names.
var (
	call       = adaptertest.Call
	serve      = adaptertest.Serve
	sameAnswer = adaptertest.SameAnswer
)
