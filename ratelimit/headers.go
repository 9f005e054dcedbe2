package ratelimit

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Canonical header keys, set on the map directly.
const (
	hLimit     = "X-Ratelimit-Limit"
	hRemaining = "X-Ratelimit-Remaining"
	hReset     = "X-Ratelimit-Reset"
	hPolicy    = "Ratelimit-Policy"
	hRateLimit = "Ratelimit"
)

// setHeaders writes the rate-limit fields for d. The values of the dynamic
// fields live in p, whose allocation the request has already paid for.
func (l *limiter) setHeaders(h http.Header, p *pass, d *Decision, now time.Time) {
	if l.headers == NoHeaders {
		return
	}
	i := l.index(d)
	b := strconv.AppendInt(p.buf[:0], int64(d.Remaining), 10)
	nRem := len(b)
	b = strconv.AppendInt(b, l.reset(d, now), 10)
	nReset := len(b)
	if l.headers&IETFHeaders != 0 {
		b = append(b, l.ietfPre[i]...)
		b = strconv.AppendInt(b, int64(d.Remaining), 10)
		// On a refusal t is the wait, so that Retry-After does not point
		// earlier than the reset, as the draft asks.
		t := d.ResetAfter
		if !d.Allowed && d.RetryAfter > 0 {
			t = d.RetryAfter
		}
		b = append(b, ";t="...)
		b = strconv.AppendInt(b, ceilSeconds(t), 10)
	}
	// p.buf is not written again once its bytes are shared as a string
	// (a longer field than it holds is copied by append instead).
	var s string
	if len(b) > 0 && &b[0] == &p.buf[0] {
		s = unsafe.String(&b[0], len(b))
	} else {
		s = string(b)
	}
	p.vals[0], p.vals[1], p.vals[2] = s[:nRem], s[nRem:nReset], s[nReset:]
	l.putHeaders(h, p, i)
}

// putHeaders sets the fields of the decision whose values setHeaders left
// in p, for l's limit i: again, when a limiter further in finds that p's
// decision binds.
func (l *limiter) putHeaders(h http.Header, p *pass, i int) {
	if l.headers == NoHeaders {
		return
	}
	vals := p.vals[:]
	if l.headers&XRateLimitHeaders != 0 {
		h[hLimit] = l.limitHV[i : i+1 : i+1]
		h[hRemaining] = vals[0:1:1]
		h[hReset] = vals[1:2:2]
	}
	if l.headers&IETFHeaders != 0 {
		h[hPolicy] = l.policyV
		h[hRateLimit] = vals[2:3:3]
	}
}

// policyField formats the RateLimit-Policy field for limits: one item per
// limit, named by its String, with its capacity as the quota (q) and the
// time the whole quota takes to come back as the window (w, in seconds,
// rounded up): `"60-per-1m0s";q=60;w=60`.
func policyField(limits []Limit, names []string) string {
	var b strings.Builder
	for i, l := range limits {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sfString(names[i]))
		b.WriteString(";q=")
		b.WriteString(strconv.Itoa(l.Capacity()))
		b.WriteString(";w=")
		b.WriteString(strconv.FormatInt(max(1, ceilSeconds(time.Duration(l.Capacity())*l.Interval())), 10))
	}
	return b.String()
}

// sfString quotes s as a structured-field String (RFC 9651): s is printable
// ASCII (Limit.Validate), so only '"' and '\' need escaping.
func sfString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
