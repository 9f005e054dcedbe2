package otelapierror_test

import (
	"os"
	"strings"
	"testing"
)

// TestCoreModuleHasNoOpenTelemetry keeps OpenTelemetry out of the core
// module's requirements: only this module may need it.
func TestCoreModuleHasNoOpenTelemetry(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"../go.mod", "../go.sum"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "go.opentelemetry.io") {
			t.Errorf("%s mentions go.opentelemetry.io", f)
		}
	}
}
