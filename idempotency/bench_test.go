package idempotency_test

import (
	"testing"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/storetest"
)

// BenchmarkIdempotencyMemory: what the middleware adds on the memory store,
// first request and replay, against the route without it.
func BenchmarkIdempotencyMemory(b *testing.B) {
	storetest.Bench(b, idempotency.NewMemoryStore())
}
