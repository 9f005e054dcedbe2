package redisstore

import "github.com/apierror/apierror/ratelimit"

// newMemoryStore makes the default fallback store.
func newMemoryStore() ratelimit.Store { return nil }
