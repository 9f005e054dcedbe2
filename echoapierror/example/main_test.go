package main

import (
	"net/http"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/adaptertest"
)

// TestThreeFailures: the example answers the three failures every adapter
// example answers, in every style, on a real listener.
func TestThreeFailures(t *testing.T) {
	adaptertest.CheckExample(t, func(s *errresp.Style) http.Handler { return newEcho(s) }, demoKey)
}
