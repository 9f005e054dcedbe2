package ratelimit

import "time"

// MemoryOption configures a MemoryStore.
type MemoryOption func(*memoryConfig)

type memoryConfig struct {
	now     func() time.Time
	maxKeys int
	shards  int
}

// MemoryClock sets the clock the store reads on Take (by default the
// monotonic clock, read once a decision and shared with the limiter).
// Tests pass a manual clock; TakeAt takes the instant as an argument instead.
func MemoryClock(now func() time.Time) MemoryOption {
	if now == nil {
		panic("apierror/ratelimit: MemoryClock: nil clock")
	}
	return func(c *memoryConfig) { c.now = now }
}

// MemoryMaxKeys caps how many keys the store holds for each limiter name
// (DefaultMaxKeys by default); see MemoryStore for what happens at the cap.
func MemoryMaxKeys(n int) MemoryOption {
	if n <= 0 {
		panic("apierror/ratelimit: MemoryMaxKeys: the cap must be positive")
	}
	return func(c *memoryConfig) { c.maxKeys = n }
}

// MemoryShards sets how many independently locked shards the keys are spread
// over, rounded up to a power of two; the default is 4 × GOMAXPROCS, at least
// 16. The cap is divided evenly between shards, so there are never more
// shards than MaxKeys.
func MemoryShards(n int) MemoryOption {
	if n <= 0 || n > 1<<16 {
		panic("apierror/ratelimit: MemoryShards: the count must be between 1 and 65536")
	}
	return func(c *memoryConfig) { c.shards = n }
}
