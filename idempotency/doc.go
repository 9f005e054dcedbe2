// Package idempotency implements the Idempotency-Key request header
// (draft-ietf-httpapi-idempotency-key-header-07) as middleware for chi and
// any net/http router: a POST or PATCH that carries a key runs once, however
// often the client sends it, on every instance that shares the store.
//
//	r.With(idempotency.New(store, idempotency.WithRequired())).Post("/v1/vms", create)
//
// # The model
//
// A request with a key is scoped to its caller (WithScope: the principal,
// else the credential, else the client address), so that one caller never
// receives another's response, and fingerprinted (its method, path, query,
// body and the headers of WithFingerprintHeaders). Then, by what the store
// holds under the caller's key:
//
//   - nothing: the request runs. Its final response (status, the headers the
//     handler set, the body up to WithMaxResponseBody) is saved for
//     WithRetention (24 h by default). Two store round trips: one to begin,
//     one to finish.
//   - a saved response for the same fingerprint: it is sent again, status,
//     headers and body byte for byte, with "Idempotent-Replayed: true". One
//     round trip.
//   - a request with the same fingerprint still running: 409
//     (errresp.IdempotencyKeyInUse, retryable) with Retry-After, or with
//     WithWait the first request's response once it is saved.
//   - anything with another fingerprint: 422 (errresp.IdempotencyKeyReused).
//
// A key that is missing where WithRequired asks for one, malformed, or over
// WithMaxKeyLength is answered 400 (errresp.IdempotencyKeyInvalid), the
// envelope naming the header in its message and field.
//
// # What is not saved
//
// A response the client would send again (a 5xx, 408 or 429: the statuses
// of the retryable kinds, which package client retries) is not saved and
// its key is released, so that the retry runs. So is the key of a handler
// that panics (the panic goes on to the recoverer outside) or hijacks the
// connection; a handler cut short by middleware.Timeout answers 503 or 504
// and so releases it too. A key whose instance died is free when its lease
// (WithLease, 1 min) runs out.
//
// # What a replay does not carry
//
// Set-Cookie is never saved: a session or token granted by the first
// response is not handed out again, possibly after the caller signed out,
// and is not kept at rest in a shared store. The request id is the replay's
// own (X-Request-ID, set by middleware.RequestID as for any request); the
// first request's id is sent in Idempotent-Original-Request-Id, and a body
// that quoted it (an error envelope) quotes it still, being byte for byte.
// Headers that middleware outside this one had set before the handler ran
// (request id, rate-limit fields) are theirs: the replay gets this request's.
// Date, Content-Length and hop-by-hop fields are the replay's own, and
// trailers are not saved.
//
// # When the store fails
//
// A store that cannot be asked (down, frozen past WithStoreTimeout) fails
// closed by default: 503 (errresp.Unavailable) with Retry-After, since
// running a request twice is the harm this exists to prevent. WithFailOpen
// runs the request as if it carried no key. A response the store could not
// take when its request finished is kept by the instance, which answers
// retries that reach it from it and hands it to the store again until the
// store takes it or the lease runs out, so that a store that comes back
// does not let the request run again.
package idempotency
