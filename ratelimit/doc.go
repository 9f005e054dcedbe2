// Package ratelimit limits requests per route, per client, with token-bucket
// semantics identical to golang.org/x/time/rate, and answers a refused request
// with an errresp envelope of kind RateLimited and exact rate-limit headers.
//
// Mount a limiter on a route or a group:
//
//	r.With(ratelimit.PerMinute(60)).Get("/search", search)
//	r.With(ratelimit.New([]ratelimit.Limit{
//		{Events: 10, Period: time.Second, Burst: 20, Name: "burst"},
//		{Events: 10_000, Period: 24 * time.Hour, Name: "daily"},
//	}, ratelimit.WithKey(ratelimit.ByAPIKey("")), ratelimit.WithCost(10))).Post("/bulk", bulk)
//
// # Limits
//
// A Limit is a token bucket: Events tokens come back every Period, evenly,
// and the bucket holds Burst (Events by default). A request of cost n passes
// when every limit has n tokens, and takes them from all; a refused request
// takes nothing. The arithmetic is x/time/rate's, done in integer
// nanoseconds (the generic cell rate algorithm), so a limit with
// Limit.Interval() T allows and refuses exactly the requests a
// rate.NewLimiter(rate.Every(T), burst) would.
//
// # Keys
//
// A KeyFunc names who a request counts against: ByIP (the default),
// ByAPIKey (hashed; the secret never reaches a store), ByPrincipal and
// ByTenant (from middleware.PrincipalFrom), ByRoute, any function of that
// shape, and combinations with Join and First. ByIP trusts X-Forwarded-For
// only from declared proxies (TrustProxies, TrustHops), so a client cannot
// pick its own key, and groups IPv6 clients by /64.
//
// # Responses
//
// Every response through a limiter carries X-RateLimit-Limit (the binding
// limit's capacity), X-RateLimit-Remaining and X-RateLimit-Reset (a Unix
// time, or seconds with WithResetSeconds), and optionally the IETF
// RateLimit-Policy and RateLimit fields (WithHeaders). A refusal is a 429
// written by errresp.Write, in the service's style, with Retry-After set to
// the exact wait rounded up to whole seconds and the limit, remaining and
// reset in the envelope's info.
//
// # Stores
//
// A Store keeps the buckets. MemoryStore, the default, is sharded, allocates
// nothing per decision on a known key and holds a bounded number of keys
// with an eviction rule that cannot reset a limited client (see
// MemoryStore). A store for several instances implements the same
// interface and proves it with the behaviour table in package storetest. A
// store failure is not a refusal, and a store never answers with HTTP: the
// limiter alone chooses, as OnStoreError says, whether to fall back to a
// memory store of its own (the default), let the request through, or
// answer 503.
//
// Quota is the sibling for account quotas the service counts itself: it
// answers QuotaExceeded with the usage, the request and the limit.
package ratelimit
