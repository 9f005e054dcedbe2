// Package errresp turns every failure of a net/http service into one JSON
// envelope in the style the service speaks: RFC 9457 problem details
// (Problem, the default) or the conventions of four providers' error
// references (GPCN, DevDocs, Gcore, AuthPI), or a Style of the service's own.
//
// Every producer of a failure builds an *Error (a provider-neutral Kind, a
// client-facing message, fields, info, an optional status of its own, and an
// internal cause that is never written) and hands it to Write, the one
// function that writes an error body. From turns any error into an *Error;
// Decode turns any style's envelope, or a plain-text error, back into one.
//
// The per-request state (request id, style, error hook) lives in the
// request's context, put there by Begin, whose ResponseWriter also records
// when the response starts and turns error responses written by code that
// does not know the library (http.Error, http.TimeoutHandler, a FileServer,
// a reverse proxy) into envelopes: see Finish and WithIntercept. The
// middleware package calls Begin and Finish; a service rarely needs to.
package errresp
