//go:build race

package auth_test

// floodAddrs is how many new addresses the flood tests send: modest under
// the race detector, which slows every lock tenfold.
const floodAddrs = 10_000
