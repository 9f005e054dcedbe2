package main

import (
	"net/http/httptest"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/adaptertest"
)

// TestThreeFailures: the example answers the three failures every adapter
// example answers, in every style, on a real listener.
func TestThreeFailures(t *testing.T) {
	if demoKey != adaptertest.Key {
		t.Fatalf("demoKey %q differs from the shared check's", demoKey)
	}
	for _, s := range errresp.Styles()[:5] {
		t.Run(s.Name, func(t *testing.T) {
			srv := httptest.NewServer(newService(s))
			defer srv.Close()
			adaptertest.Check(t, srv.URL, s)
		})
	}
}
