// Package echoapierror mounts apierror in an echo v5 service
// (github.com/labstack/echo/v5), so that every failure leaves it as one
// envelope in the service's style, exactly as the core's net/http
// middleware answers it on chi. It is a module of its own, so services that
// do not use echo never download it. It imports beside echo as it is:
//
//	import "github.com/apierror/apierror/echoapierror"
//
//	e := echo.New()
//	echoapierror.Mount(e, errresp.GPCN()) // the error handler, request id, recovery, style
//	v1 := e.Group("/v1", echoapierror.Wrap(authn.Require, ratelimit.PerMinute(100)))
//
// HTTPErrorHandler answers every error a handler or middleware returns:
//
//   - an *errresp.Error (anywhere in the chain) as it is;
//   - the router's echo.ErrNotFound and echo.ErrMethodNotAllowed (with the
//     Allow header echo sets) as middleware.NotFound and
//     middleware.MethodNotAllowed answer them on chi;
//   - a binding failure (*echo.BindingError, encoding/json's errors,
//     validator/v10's) as a 400 listing each field;
//   - any other error with a status (echo.StatusCode(err): echo.ErrUnauthorized,
//     echo.NewHTTPError(404, "item 2 not found"), an error of the service's
//     own with a StatusCode method) as the kind of that status, a 4xx
//     keeping an *echo.HTTPError's message;
//   - anything else as a 500, its text logged with the request id and never
//     sent, as are the 5xx causes above.
//
// Error responses handlers write themselves (c.NoContent(401), c.String(404,
// "..."), a JSON error body) are treated as the core's interception treats
// them on net/http (errresp.Begin's writer, below echo's Response).
//
// Wrap turns any of the core's func(http.Handler) http.Handler middleware
// into an echo.MiddlewareFunc with the same options: the limiters, the
// Authenticator (Require, Optional, Throttle), middleware's guards.
// UseValidation makes echo's JSON binding and validator the core's strict
// decoder (package validation).
package echoapierror
