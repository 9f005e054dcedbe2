// Package redisstore is a [ratelimit.Store] on Redis, so that a limit holds
// across every instance of a service instead of once per instance.
//
// Each decision is one call of a Lua script (GCRA, the generic cell rate
// algorithm) run with EVALSHA (sent again with EVAL only when Redis answers
// NOSCRIPT, after a restart or SCRIPT FLUSH). For the common single limit,
// the script reads and writes one string key (TIME, GET, SET); for several
// limits at once it checks every limit of the request against the client's
// buckets in one hash and takes the tokens from all of them or from none.
// Peek (the decision, taking nothing) runs the same script in a mode that
// writes nothing, and Refund (an allowed decision's tokens given back, for
// limiters mounted apart) a script of its own for each key layout; each
// has Take's errors and health accounting.
// Its answers are exactly those of the in-memory store (same limits, burst,
// cost, remaining, reset and retry times, to the nanosecond), so switching
// stores changes nothing a client sees. The clock is Redis's (TIME), so
// instances whose clocks disagree still agree on every bucket.
//
// # Round trips
//
// Decisions for keys on one Redis node share round trips (implicit
// pipelining): a decision joins the node's queue and, while fewer than
// [WithPipelines] pipelines (2 by default) are in flight to the node,
// starts one; a pipeline carries every decision waiting, up to
// [WithPipelineMax] (128). A lone decision leaves at once, in a round trip
// of its own; under a burst, the decisions that arrive while two pipelines
// are on the wire leave together in the next, so a burst of 500 decisions
// takes a handful of round trips on two connections instead of 500
// round trips queueing for pooled connections. [WithPipelineWindow] makes a
// pipeline that is not full wait for more (0 by default: decisions batch
// anyway while pipelines are in flight). On Redis Cluster there is one queue
// per master, by the slot of the key (go-redis's slot map, no round trip),
// and pipelines go through the Cluster client, which follows MOVED and ASK.
//
// A key that Redis has refused until an instant T is refused by the store
// itself until T, without a round trip: under GCRA a refused request takes
// nothing and a bucket's T only moves later, except by a refund. The store
// keeps, for up to [WithRefusalCache] keys (16,384 by default, at most
// about 5 MB with the longest keys; 0 turns it off), the instant from which the
// binding limit lets a request of one token through, computed from Redis's
// retry-after and the instant the decision was queued (before Redis ran
// it, so the store's instant is never later than Redis's: it may ask Redis
// a little early, never refuse what Redis would allow), and answers
// requests before it with the remaining, reset and retry times Redis would
// give. A flood of 4,000 requests on a refused key costs Redis a few dozen
// script calls (the decisions already in flight when the first refusal
// came back), not 4,000. Refunds: a Refund through the store forgets the
// key's entry before it is sent, so a limiter's refund (ratelimit's
// composition gives tokens back when a limiter further in refuses) is
// honoured at once by the instance that made it; a refund made through
// another instance is not seen by this one, which keeps refusing the key
// until its own T, at most one refusal's wait. A key changed behind the
// store's back (deleted, or flushed, by hand) is seen once the entry's
// instant has passed.
//
// # Keys
//
// A client's single-limit bucket is the string "<prefix>{<key>}:<interval
// ns>:<capacity>", holding the instant the bucket is full again in
// nanoseconds since the Unix epoch modulo 9×10¹⁵ (one number, exact in
// Lua's doubles). A client's buckets for several limits, or for one limit
// whose bucket takes more than 4×10¹⁵ ns (about 46 days) to fill, are one
// hash, "<prefix>{<key>}", holding one field per limit ("<interval
// ns>:<capacity>") whose value is that instant in nanoseconds since the
// Unix epoch. The braces are a Cluster hash tag: all
// of a client's buckets live in one slot, so the store works on a single
// server, behind Sentinel and on Redis Cluster alike (any
// [redis.UniversalClient]). A key expires on its own once its slowest bucket
// is full again (rounded up to a whole second, so that a busy client's key
// is overwritten in place rather than made anew), when it would say exactly
// what a missing one says. A key
// longer than ratelimit.MaxKeyLen is held as a digest, so Redis's memory per
// client is bounded whatever the key. The store owns every key under its
// prefix: a key there that holds another type, or a value the store cannot
// have written (not a time, or one further ahead than the bucket's length
// plus a minute, the allowance for another node's clock after a failover),
// is deleted by the script that finds it; that one request fails
// with an error wrapping [ErrCorruptKey] (answered by the limiter's
// policy, logged with the request, not as an outage), and the client's next
// request starts a full bucket. Other keys are not affected.
//
// # When Redis is away, or slow
//
// The store decides or fails; it never answers with HTTP. A failure because
// Redis could not be asked wraps [ratelimit.ErrUnavailable], and the
// limiter's one policy (ratelimit.WithStoreErrorPolicy: fall back to its own
// memory store, the default; allow; or answer 503) says what the request
// gets.
//
// Each decision waits at most the timeout ([WithTimeout], 1s by default),
// or the caller's deadline when that is nearer, whatever the client's
// settings (the decision waits for its pipeline, not in go-redis).
//
// Errors are told apart by cause (see internal/redisnode). A node is down
// only on evidence of an outage: a refused dial, a broken or closed
// connection, a reply such as LOADING, BUSY, CLUSTERDOWN, MASTERDOWN,
// TRYAGAIN, READONLY or OOM, or a failed probe. The store then logs once
// that the outage began (with the node, the error and the request id), and
// answers every decision for a key on that node at once, without asking
// it. A late reply (the timeout passed) is not such evidence: a healthy
// Redis on a busy host, or a burst queued behind others, is late too. That
// request alone gets the limiter's policy, and the node is probed at once
// on a connection of its own; only if the probe fails too (a hung or
// frozen server) is the node down. A problem of one key's data
// (WRONGTYPE, a value the script cannot read) is that key's alone (see
// Keys).
//
// A late reply is not charged twice: the pipeline keeps waiting for it
// (up to ten times the timeout), and when it says a take was allowed, the
// store refunds it, since the limiter's policy has answered the request
// (its fallback store charged it). A decision sent alone (none waiting for
// its node, a pipeline free, a client built with ContextTimeoutEnabled) is
// sent by its caller, which spares two goroutine switches; its wait is
// bounded by go-redis, and a reply later than the timeout is lost with the
// connection. So a client may pay for a request in Redis too when Redis
// replies later still than ten timeouts, or never, or when a lone decision
// waited a whole timeout (a second: a hung server, not a busy one).
//
// When Redis really is slower than the timeout for every decision (a
// saturated or swapping server, a network that drops packets), each
// decision waits the timeout and gets the policy: with the default
// fallback, each instance limits by its own memory, so a client gets up to
// the limit once per instance, and requests wait up to a second. The probe
// decides whether that lasts: when PING on a fresh connection fails within
// the timeout too, the node is down and decisions get the policy at once,
// without waiting, until a probe succeeds. This is the right trade: a
// limiter that waited longer would make a slow Redis slow every request of
// the service, and one that treated one late reply as an outage would
// spend whole memory buckets during the bursts it exists for.
//
// Health is kept per node. On Redis Cluster, the node is the master serving
// the key's slot, so a failing master affects only the keys in its slots;
// keys on the other masters keep asking Redis.
//
// While a node is down, a goroutine of the store probes it every retry
// interval ([WithRetryInterval], 100ms by default), so recovery needs no
// traffic: once the node answers again, the next decision, however many
// arrive at once, goes to Redis, and the store logs once that it is back.
// A probe first sends PING on a connection of its own, so that probing a
// dead server does not push go-redis's pool into its dial back-off (after
// PoolSize failed dials in a row it dials only once a second), then PING
// through the client's pool. On Cluster, each probe also has go-redis
// reload the slot map, so a completed failover (a replica promoted for the
// failed master's slots) is followed within a retry interval plus go-redis's
// reload pause (200ms). The prober sleeps while every node is up and stops
// on Close.
//
// What a decision made while Redis was away costs when it returns: the
// limiter's fallback decisions are not charged to Redis (they were made,
// and limited, by each instance; replaying them later would charge clients
// for requests long past).
//
// # Defaults
//
// The defaults come from measurements on a two-core machine shared with
// other work (TestBurst: cold bursts of 100 + 100 and 250 + 250 decisions
// at once on one key through two instances, each with a fresh client): the
// longest decision took up to 30ms idle and up to 116ms with three
// CPU-bound processes a core beside the test (370ms under the race
// detector), so a 100ms timeout took a healthy Redis for a slow one; 1s
// holds with a margin, and costs a request at most that when Redis hangs.
// Two pipelines a node keep a round trip on the wire while the next one
// fills; the client's pool (go-redis's default, ten connections a
// processor) needs only those two and a probe's, so the store needs no
// pool setting. A 100µs window made no consistent difference at 64 and
// 256 callers in the benchmarks (BENCHMARKS.md), and a window can only
// add to a decision's wait, so it is 0.
//
// # Precision
//
// Lua numbers are doubles, so the scripts split instants into seconds and
// nanoseconds and work on times relative to now. Their answers are exact
// (and equal to the in-memory store's) for every limit whose bucket fills
// within 2^53 ns, about 104 days (Capacity × Interval); beyond that they may
// differ by the rounding of a double of that size (under a microsecond for
// a bucket that takes a century to fill).
package redisstore
