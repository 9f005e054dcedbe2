package middleware

import "net/http"

// headerTraceparent is the W3C Trace Context header, in canonical form.
const headerTraceparent = "Traceparent"

// TraceparentTraceID returns the trace id of r's W3C traceparent header (32
// lowercase hex digits), or "" when r has no valid one. It follows the
// parsing rules of W3C Trace Context level 1: exactly one header value;
// version 00 is exactly 55 bytes; a higher version (but not ff) may carry
// more fields after a hyphen; the trace id and parent id must not be all
// zeros; every digit is lowercase hex. Anything else is ignored, not
// repaired. It allocates only the returned string.
func TraceparentTraceID(r *http.Request) string {
	v := r.Header[headerTraceparent]
	if len(v) != 1 {
		return ""
	}
	id, ok := parseTraceparent(v[0])
	if !ok {
		return ""
	}
	return id
}

// parseTraceparent returns the trace id of a traceparent value
// "vv-<32 hex trace id>-<16 hex parent id>-ff".
func parseTraceparent(s string) (string, bool) {
	const size = 55
	if len(s) < size || s[2] != '-' || s[35] != '-' || s[52] != '-' {
		return "", false
	}
	version := s[0:2]
	if !lowerHex(version) || version == "ff" {
		return "", false
	}
	if len(s) > size && (version == "00" || s[size] != '-') {
		return "", false
	}
	traceID, parentID, flags := s[3:35], s[36:52], s[53:55]
	if !lowerHex(traceID) || !lowerHex(parentID) || !lowerHex(flags) ||
		allZero(traceID) || allZero(parentID) {
		return "", false
	}
	return traceID, true
}

// lowerHex reports whether s is made of the digits 0-9 and a-f only.
func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// allZero reports whether s is made of '0' only.
func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}
