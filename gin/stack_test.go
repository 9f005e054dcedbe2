package gin_test

import (
	"testing"

	apigin "github.com/apierror/apierror/gin"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/middleware"
)

// TestConfigurationPanics: a nil or missing argument is a start-up panic.
func TestConfigurationPanics(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(){
		"Wrap()":     func() { apigin.Wrap() },
		"Wrap(nil)":  func() { apigin.Wrap(middleware.RequestID(), nil) },
		"Mount(nil)": func() { apigin.Mount(nil, adaptertest.Style("gpcn")) },
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
