package redisstore_test

import (
	"testing"

	"github.com/apierror/apierror/idempotency/storetest"
	"github.com/apierror/apierror/internal/redistest"
)

// BenchmarkIdempotencyRedis: what the middleware adds on the Redis store (a
// local server), first request and replay, against the route without it.
func BenchmarkIdempotencyRedis(b *testing.B) {
	srv := redistest.Start(b)
	storetest.Bench(b, newStore(b, newClient(b, srv.Addr())))
}
