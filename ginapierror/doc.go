// Package ginapierror mounts apierror in a gin service (github.com/gin-gonic/gin),
// so that every failure leaves it as one envelope in the service's style,
// exactly as the core's net/http middleware answers it on chi. It is a
// module of its own, so services that do not use gin never download it.
// Its package name differs from gin's, so it imports beside it as it is:
//
//	import "github.com/apierror/apierror/ginapierror"
//
//	r := gin.New()
//	ginapierror.Mount(r, errresp.GPCN()) // request id, recovery, style, 404 and 405, before the routes
//	v1 := r.Group("/v1", ginapierror.Wrap(authn.Require), ginapierror.Wrap(ratelimit.PerMinute(100)))
//
// What the stack answers with an envelope, with the request id in the
// header and the body:
//
//   - a panic (its value and stack logged, never sent), whether Recoverer
//     catches it or gin.Recovery left below it answers an empty 500;
//   - gin's own 404 and 405 (with Allow), through Engine.NoRoute and
//     Engine.NoMethod;
//   - c.Error(err) and c.AbortWithError(code, err): an *errresp.Error is
//     written as it is, a binding failure as a 400 listing each field, any
//     other error as the status the handler aborted with (or a 500 when it
//     wrote nothing), its text logged and never sent;
//   - c.AbortWithStatus(401) and any other error status written without a
//     JSON body (c.String, c.Data, c.Status): the status's envelope, a 4xx
//     keeping the first line of its text, headers such as WWW-Authenticate
//     kept (the core's interception, errresp.Begin, below gin's writer);
//   - an error body a handler wrote as JSON itself (c.JSON(500, gin.H{...}))
//     is treated as the core treats a handler's own JSON error on net/http.
//
// Wrap turns any of the core's func(http.Handler) http.Handler middleware
// into a gin.HandlerFunc with the same options: ratelimit's limiters,
// auth's Authenticator (Require, Optional, Throttle), middleware's guards.
// UseValidation makes gin's JSON binding and validator the core's strict decoder
// (package validation), so c.ShouldBindJSON's failures are the core's field
// errors.
package ginapierror
