// Package crossorigintest holds the requests that the tests of
// middleware.CrossOrigin and of auth's cross-origin check share.
package crossorigintest

// Cases are the browser and non-browser requests to
// https://api.example.test/x that CrossOrigin and the Authenticator tell
// apart; Refused says whether a cookie request is refused.
var Cases = []struct {
	Name    string
	Method  string
	Header  []string
	Refused bool
}{
	{"cross-site POST", "POST", []string{"Sec-Fetch-Site", "cross-site"}, true},
	{"cross-site DELETE", "DELETE", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, true},
	{"same-site, other origin", "PUT", []string{"Sec-Fetch-Site", "same-site"}, true},
	{"old browser, other origin", "POST", []string{"Origin", "https://evil.example"}, true},
	{"same-origin", "POST", []string{"Sec-Fetch-Site", "same-origin", "Origin", "https://api.example.test"}, false},
	{"typed in the address bar", "POST", []string{"Sec-Fetch-Site", "none"}, false},
	{"old browser, same origin", "POST", []string{"Origin", "https://api.example.test"}, false},
	{"non-browser client", "POST", nil, false},
	{"cross-site GET", "GET", []string{"Sec-Fetch-Site", "cross-site"}, false},
	{"cross-site HEAD", "HEAD", []string{"Sec-Fetch-Site", "cross-site"}, false},
}
