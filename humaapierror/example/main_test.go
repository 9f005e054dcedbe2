package main

import (
	"testing"

	"github.com/apierror/apierror/internal/adaptertest"
)

// TestThreeFailures: the example answers the three failures every adapter
// example answers, in every style, on a real listener.
func TestThreeFailures(t *testing.T) {
	adaptertest.CheckExample(t, newService, demoKey)
}
