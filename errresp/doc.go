// Package errresp turns every failure of a net/http service into one JSON
// error envelope, in the style the service speaks, and turns envelopes back
// into errors on the client side. It is the package every other part of the
// module builds on; start here.
//
// # An Error
//
// Every producer of a failure (a handler, a guard, authentication, a rate
// limiter, a recovered panic) builds one value, an *Error, and hands it to
// Write:
//
//	errresp.New(errresp.NotFound, "No virtual machine has that id.")
//	errresp.NewInvalid("The request body failed validation.", fields...)
//	errresp.Wrap(errresp.Unavailable, err, "The database is down; try again.")
//
// An *Error holds a Kind, a client-facing Message, the FieldErrors of a
// failed validation, Info entries (extra members such as a quota's limit),
// optionally a RetryAfter, extra headers, a status of its own (HTTPStatus)
// or a code of the service's own (Code, see DeclareCodes), and an internal
// cause (Err) that is logged but never written.
//
// # Kinds
//
// A Kind is the provider-neutral reason a request failed: InvalidRequest,
// NotAuthenticated, PermissionDenied, NotFound, RateLimited, Internal and so
// on (Kinds lists them all). Each has a stable name (Kind.String), a default
// status (Kind.Status), retry advice (Kind.Retryable) and a one-line summary
// (Kind.Summary), all from the one table in kind.go. KindForStatus gives the
// kind a bare status means.
//
// # Styles
//
// A Style maps every kind to its own code and status and renders the
// envelope: Problem (RFC 9457 problem details, the Default), GPCN, DevDocs,
// Gcore and AuthPI (the conventions of four providers' error references),
// or one of the service's own (NewStyle, NewProblem). WithStyle picks the
// style for a request. A style also describes itself: Style.Reference,
// Style.ReferenceMarkdown and ReferenceHandler give its error reference,
// Style.Schema an OpenAPI schema of its envelope.
//
// # Writing
//
// Write(w, r, err) is the one function in the module that writes an error
// body. It takes any error (From turns it into an *Error: an *Error found in
// the chain is used as it is, context and http.MaxBytesError failures get
// their kinds, anything else is Internal with a generic message), sets the
// status and the headers, writes the envelope and returns the status it
// wrote. Render gives the same body without a response, for tests and
// documentation.
//
// # Decoding
//
// Decode (and DecodeBody, and DecodeRaw for a response already read) turns
// an error response of any registered style back into an *Error,
// recognising the style by the envelope's members, so a client of the
// service gets the kind, the code and status on the wire, the message,
// fields and Retry-After back without being told the style. The same reader
// knows the error bodies of other APIs and frameworks (gin, echo, huma,
// Google, Stripe, GitHub, JSON:API), and the interception of a handler's
// own JSON errors uses it.
//
// # The request id
//
// Every error response carries the request's id in the X-Request-ID header
// (HeaderRequestID) and, in the styles that have one, an envelope member, so
// that a client can quote it to support. The middleware package's RequestID
// records it (WithRequestID); RequestID(ctx) reads it back for logs.
//
// # Per-request state
//
// The request id, the style and the error observer live in the request's
// context, put there by Begin, whose ResponseWriter also records when the
// response starts (Write never writes into a started response) and turns
// error responses written by code that does not know the library
// (http.Error, http.TimeoutHandler, a FileServer, a reverse proxy) into
// envelopes: see Finish and WithIntercept. The middleware package calls
// Begin and Finish; a service that mounts none of it calls them itself.
//
// # A first handler
//
//	func getVM(w http.ResponseWriter, r *http.Request) {
//		vm, err := store.VM(r.Context(), r.PathValue("id"))
//		if errors.Is(err, sql.ErrNoRows) {
//			errresp.Write(w, r, errresp.New(errresp.NotFound, "No virtual machine has that id."))
//			return
//		}
//		if err != nil {
//			errresp.Write(w, r, err) // written as Internal; err is never shown
//			return
//		}
//		json.NewEncoder(w).Encode(vm)
//	}
//
// Mounted below the middleware package's RequestID, Recoverer or Style, the
// second Write's cause is logged once, with the request id, when getVM
// returns (see Finish); without them, getVM must log err itself.
//
// The package example (Example) runs the same path end to end.
package errresp
