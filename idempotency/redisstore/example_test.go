package redisstore_test

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/idempotency"
	"github.com/apierror/apierror/idempotency/redisstore"
)

// Every instance of the service mounts the middleware on one Redis (here a
// single server; a Sentinel failover client or a Cluster client works the
// same), so a retry that reaches another instance is a replay there too.
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	store := redisstore.New(rdb)
	defer store.Close()

	r := chi.NewRouter()
	r.With(idempotency.New(store, idempotency.WithRequired())).
		Post("/v1/vms", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	_ = r
}
