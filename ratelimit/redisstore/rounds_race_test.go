//go:build race

package redisstore

// burstRounds is how many rounds each burst test runs: fewer under the race
// detector, which slows every decision several times over.
const burstRounds = 3
