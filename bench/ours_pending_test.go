package bench

// oursMemoryLimiters returns the library's in-memory store, once it exists.
func oursMemoryLimiters() []limiterImpl { return nil }

// oursSuccessStacks returns chi with the library's RequestID, Recoverer and
// Style, once the middleware exists.
func oursSuccessStacks() []namedHandler { return nil }

// oursRedisLimiters returns the library's Redis store, once it exists.
func oursRedisLimiters() []limiterImpl { return nil }

// oursDecoders returns the library's validation.Decode, once it exists.
func oursDecoders() []decodeImpl { return nil }

// oursLimiterMiddlewares returns the library's rate-limiting middleware,
// once it exists.
func oursLimiterMiddlewares() []mwImpl { return nil }
