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
// # Limiters together
//
// Limiters compose however they are mounted: one New with several limits,
// several in a chain (r.With(PerSecond(2), PerMinute(4))), a group's and a
// route's. A request that any of them refuses takes nothing from the
// others: the limiters further out that allowed it give their tokens back
// (Store.Refund). The refusal's headers and Retry-After name the binding
// limit, the one whose wait is longest, among the limiters the request has
// reached and those mounted directly inside the refusing one (asked with
// Store.Peek). A limiter further in that the request has not reached when
// an outer one refuses (one behind routing, as a group's r.Use on a
// sub-router is in front of the route's, or behind other middleware, whose
// key may not be known until then) is not asked: the refusal names the
// binding limit of those it could see, and the client learns of the inner
// limit once past the outer one. One New with every limit, or a chain
// mounted with r.With (or a chi Group's Use followed by With), is exact
// in every case.
//
// A refused request costs the limiters further out no round trip when the
// refusing limiter's store knows the refusal locally (RefusalCache, as the
// Redis store does for keys Redis has refused): a limiter mounted directly
// around others asks their stores before it takes; a limiter mounted apart
// (a group's, with other middleware before the route's) learns which
// limiter requests of each method and path reach next, and when that one
// is known to refuse the request it defers its take to it. The middleware
// between them still runs; the limiter reached next answers the refusal
// as it would have, and nothing is taken, or takes what was deferred
// before it decides. A request that reaches no limiter after all (the
// middleware between answered it) is counted when it returns, without
// the outer limiter's headers. A flood on a refused key thus costs the
// shared store nothing per request, however the limiters are mounted. Two
// things differ from a take made first: the outer limiter decides after
// the middleware between has run, and a refusal answered this way names
// the limit further in, with its exact wait, even when the outer limiter
// (which did not ask its store) would refuse the request too; the client
// then learns of the outer limit once past the inner one, as when the
// outer limiter refuses first. A limiter remembers the next limiter for
// up to 1,024 methods and paths; past that, requests on other paths take
// first, as before.
//
// Limiters built apart never share buckets unless they are given the same
// name (WithName) and the same limits: PerMinute(2) on /a and on /b are two
// limits, and a limiter mounted on a group limits the group as a whole. On
// a store shared between processes (Redis) a name is required, and the
// name and the limits are the limiter's identity there, the same in every
// instance, build and restart, and when a router is built twice. On a
// MemoryStore the default name comes from the limits and the place in the
// code that built the limiter (see WithName).
//
// # Keys
//
// A KeyFunc names who a request counts against: ByIP (the default),
// ByCredential (the credential, in whichever header or cookie it came, or
// as an Authenticator extracts it), ByAPIKey, ByHeader and ByCookie (all
// hashed; the secret never reaches a store, and a request without one is
// keyed by its address rather than put in a bucket shared by all such
// requests), ByPrincipal and ByTenant (from principal.FromContext),
// ByRoute, any function of that shape, and combinations with Join and
// First. ByIP trusts X-Forwarded-For only from declared proxies
// (IPTrustProxies, IPTrustHops), so a client cannot pick its own key, and
// groups IPv6 clients by /64.
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
// MemoryStore); limiters sharing one keep their keys, caps and overflow
// apart. A store for several instances implements the same interface
// (Take, and Peek and Refund for limiters mounted apart) and proves it with
// the behaviour tables in package storetest (Run for the store, RunLimiters
// for the middleware on it). A store failure is not a refusal, and a store
// never answers with HTTP: the limiter alone chooses, as WithStoreErrorPolicy says,
// whether to fall back to a memory store of its own (the default), let the
// request through, or answer 503. In a composition, a limiter whose store
// fails to give tokens back (Refund) keeps them, and one whose store fails
// to answer a Peek is left out of the refusal's binding limit; while a
// store is unavailable, a limiter that falls back peeks at and refunds to
// its memory store, the one that took the tokens.
//
// Quota is the sibling for account quotas the service counts itself: it
// answers QuotaExceeded with the usage, the request and the limit.
package ratelimit
