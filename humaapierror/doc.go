// Package humaapierror makes a huma v2 API (github.com/danielgtaylor/huma/v2)
// answer every failure with apierror's envelope in the style of the
// request, and describe those envelopes in its OpenAPI. It is a module of
// its own, so services that do not use huma never download it. It imports
// beside huma as it is:
//
//	import "github.com/apierror/apierror/humaapierror"
//
//	r := chi.NewRouter()
//	r.Use(middleware.RequestID(), middleware.Recoverer(), middleware.Style(errresp.GPCN()))
//	r.NotFound(middleware.NotFound)
//	r.MethodNotAllowed(middleware.MethodNotAllowed)
//	config := huma.DefaultConfig("Items", "1.0.0")
//	humaapierror.Configure(&config)
//	api := humachi.New(r, config)
//	humaapierror.Describe(api, errresp.GPCN())
//
// huma builds every error through its package variables huma.NewError and
// huma.NewErrorWithContext. Configure replaces both (once, for the program)
// with functions that build an *errresp.Error, and adds to the config a
// transformer that answers it with errresp.Write in the style the request
// carries (from middleware.Style on the router the API is mounted on), so
// with the request id, the headers Write sets and the request's error hook
// (middleware.OnError). So two APIs in one program, on two routers with two
// styles, answer in two styles.
//
// What huma's failures become:
//
//   - its validation failures (422 "validation failed", and 400 for a body
//     it cannot parse), with huma's details (location, message), as a 400
//     InvalidRequest listing each field: "body.items[0].name" is field
//     "items[0].name" in "body", "query.limit" is "limit" in "query";
//   - every other status (huma.Error404NotFound("..."), 413, 415, ...) as
//     the kind of that status, a 4xx keeping huma's message; a 5xx never
//     shows its message or cause (logged with the request id);
//   - an *errresp.Error a handler returns, as it is.
//
// Describe rewrites the API's OpenAPI so that every operation's error
// responses have the style's envelope as their schema and content type
// (with the alternatives a Style negotiates), 422 becoming 400.
package humaapierror
