//go:build !race

package auth_test

// floodAddrs is how many new addresses the flood tests send: the full
// size without the race detector.
const floodAddrs = 100_000
