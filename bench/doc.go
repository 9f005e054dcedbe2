// Package bench holds side-by-side benchmarks of the apierror library against
// the libraries a Go service would otherwise use for the same job: chi's own
// middleware, go-chi/render, huma, echo, go-chi/httprate, ulule/limiter,
// sethvargo/go-limiter, throttled, go-redis/redis_rate, hashicorp's
// go-retryablehttp and plain encoding/json, x/time/rate, validator/v10 and
// net/http's client.
//
// It is a module of its own, so the library's users never download the peers.
// Every benchmark is named Benchmark<Group>/<setting>=.../impl=<name>; impl
// values starting with "ours" are the library's, every other value is a peer
// or a reference. run.sh runs each group in one invocation, round after
// round, and prints the ratio of each of ours to each peer of its group
// (cmd/benchpair), with benchstat's comparison of every pair beside it; see
// BENCHMARKS.md at the repository root for the latest figures.
//
// The end-to-end load run lives in cmd/e2eserver (the servers under test) and
// cmd/loadgen (the load generator, a separate process on loopback).
package bench
