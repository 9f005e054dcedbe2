// Package auth authenticates requests and checks what their callers may do,
// answering every failure as an envelope in the request's style (see
// errresp) with the right WWW-Authenticate challenges.
//
// A service writes one piece, a Verifier that turns a Credential into the
// principal.Principal it belongs to (or uses the in-memory KeyRing); New
// builds the Authenticator around it, whose Require and Optional are
// middleware:
//
//	keys := new(auth.KeyRing)
//	keys.AddKey(secret, &principal.Principal{ID: "u1", Permissions: []string{"vms:read"}}, time.Time{})
//	a := auth.New(keys, auth.WithCookie("session"))
//	mux.Handle("GET /v1/vms", a.Require(auth.RequirePermission("vms:read")(list)))
//
// The package holds, one concern a file:
//
//   - authenticator.go: the Authenticator, New and its options (With...),
//     Require, Optional, Fail and the session cookie;
//   - credentials.go: Credential, CredentialSource and the extraction of a
//     credential from X-API-Key, Authorization (Bearer, APIKey) or the
//     session cookie;
//   - challenges.go: the WWW-Authenticate challenges;
//   - keyring.go: KeyRing, EqualSecret, and the count of wrong one-time
//     codes of a pending sign-in (KeyRing.WrongCode);
//   - permissions.go: RequirePermission, RequireScope, CheckTenant;
//   - guard.go: the FailureGuard that counts failed credentials per address
//     at the door (Reserve, Reservation.Cancel), in memory or a shared
//     ratelimit.Store (GuardStore);
//   - guard_table.go: its in-memory count, bounded, never forgetting a
//     lockout;
//   - guard_flight.go: the Authenticator's requests in progress: one
//     reserved failure for concurrent requests carrying one credential,
//     and requests that wait for failures being checked to settle;
//   - guard_valid.go: the bounded, short-lived memory of credentials that
//     proved valid, which skip the door;
//   - guard_checking.go: the count, in a shared store, of failures whose
//     credentials are being checked, for which requests refused on other
//     instances wait;
//   - guard_http.go: WithGuard, and Throttle for sign-in routes;
//   - ended.go: ErrEnded, NewSessionEnded and SessionIDs, which tell a
//     credential the service issued and that has ended from a guess;
//   - cross_origin.go: the check of cross-site browser requests carrying
//     the session cookie (WithCrossOrigin, WithAllowCrossOrigin);
//   - errors.go: the constructors of the failures (NewKeyInvalid, ...).
//
// The admitted caller is put in the request's context, where
// principal.FromContext reads it (package principal, below this one, so that
// code that only reads the caller, such as ratelimit, imports no
// authentication). Password hashing and one-time codes for sign-in flows are
// in package auth/signin, so that authenticating requests pulls in neither
// PBKDF2 nor SHA-1.
//
// Failures are logged to WithLogger's logger, else the request's
// (middleware.LogTo's, else slog.Default()), with the request id and, once known, the principal's id;
// never a secret. Configuration mistakes panic when the Authenticator or the
// middleware is built, with an "apierror/auth: " prefix.
package auth
