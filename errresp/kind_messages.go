package errresp

// kindMessages is the library's sentence for the kinds that have one: the
// message of such an error whose own Message is empty, in a style whose
// page gives no text of its own for the kind (see Error). The other kinds
// say their code's title.
var kindMessages = [kindEnd]string{
	NotAuthenticated:  "Authentication credentials were not provided.",
	CredentialInvalid: "The API key or token doesn't exist or has been revoked.",
	CredentialExpired: "The API key or token has passed its expiration date.",
	SessionExpired:    "The session has expired. Sign in again.",
	WrongAuthScheme:   "The credential was sent in a way this API does not accept.",
}
