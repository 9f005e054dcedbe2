package ginapierror_test

import (
	"testing"

	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

// TestConfigurationPanics: a nil or missing argument is a start-up panic.
func TestConfigurationPanics(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(){
		"Wrap()":     func() { ginapierror.Wrap() },
		"Wrap(nil)":  func() { ginapierror.Wrap(middleware.RequestID(), nil) },
		"Mount(nil)": func() { ginapierror.Mount(nil, adaptertest.Style("gpcn")) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}
