//go:build !race

package redisstore

// burstRounds is how many rounds each burst test runs.
const burstRounds = 10
