package client

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apierror/apierror/internal/fieldlist"
)

// maxHint is the longest wait a header can ask for; longer ones are cut to
// it (they are past any sensible MaxWait anyway, and it keeps the arithmetic
// far from overflow).
const maxHint = 1 << 31 * time.Second

// unixThreshold separates the two meanings X-RateLimit-Reset has in the
// wild: a Unix time (seconds since 1970, which GitHub and this library's
// ratelimit package send) or a number of seconds to wait (WithResetSeconds,
// and other APIs). No delay is 31 years long and no reset is before 2001.
const unixThreshold = 1_000_000_000

// waitHint returns the wait the response's headers ask for, from the first
// of these that it has and that parses:
//
//  1. Retry-After (seconds or an HTTP date);
//  2. RateLimit, of draft-ietf-httpapi-ratelimit-headers (-10, -11): the
//     longest "t" of the policies whose remaining quota "r" is 0;
//  3. RateLimit-Reset, of the draft's earlier versions (seconds);
//  4. X-RateLimit-Reset (a Unix time or seconds).
//
// The last three are read only on a rate-limit refusal (rateLimited): on
// other responses a limiter sends them to say when its quota comes back,
// not when a request may. Instants are measured from the response's Date
// when it has a valid one, so that a skewed local clock does not shorten
// or stretch the wait, and from now otherwise. An instant already past
// gives 0, which means "now".
func waitHint(h http.Header, rateLimited bool, now time.Time) (time.Duration, bool) {
	ref := now
	if d, ok := h["Date"]; ok && len(d) > 0 {
		if t, err := http.ParseTime(d[0]); err == nil {
			ref = t
		}
	}
	if v := h.Get("Retry-After"); v != "" {
		if d, ok := parseRetryAfter(v, ref); ok {
			return d, true
		}
	}
	if !rateLimited {
		return 0, false
	}
	if v := h.Values("Ratelimit"); len(v) > 0 {
		if d, ok := parseRateLimit(v); ok {
			return d, true
		}
	}
	if v := h.Get("Ratelimit-Reset"); v != "" {
		if secs, ok := digits(strings.TrimSpace(v)); ok {
			return min(time.Duration(secs)*time.Second, maxHint), true
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		return parseRateLimitReset(v, ref)
	}
	return 0, false
}

// parseRateLimit reads the RateLimit field of
// draft-ietf-httpapi-ratelimit-headers (-10, -11), a Structured Fields list
// of policies with parameters, such as `"default";r=0;t=7, "day";r=90;t=3600`,
// possibly over several field lines. It returns the longest reset ("t", in
// seconds) of the policies with no quota left ("r" of 0); false when none
// has both.
func parseRateLimit(lines []string) (time.Duration, bool) {
	var wait time.Duration
	found := false
	for _, line := range lines {
		for rest := line; rest != ""; {
			var item string
			item, rest = fieldlist.Cut(rest, ',')
			_, params := fieldlist.Cut(item, ';') // past the policy's name
			var r, t int64 = -1, -1
			for params != "" {
				var p string
				p, params = fieldlist.Cut(params, ';')
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				n, ok := digits(strings.TrimSpace(v))
				switch {
				case !ok:
				case k == "r":
					r = n
				case k == "t":
					t = n
				}
			}
			if r == 0 && t >= 0 {
				wait = max(wait, min(time.Duration(t)*time.Second, maxHint))
				found = true
			}
		}
	}
	return wait, found
}

// parseRetryAfter reads a Retry-After value (RFC 9110, 10.2.3): a number of
// seconds, or an HTTP date measured from ref.
func parseRetryAfter(v string, ref time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if secs, ok := digits(v); ok {
		return min(time.Duration(secs)*time.Second, maxHint), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return until(t, ref), true
}

// parseRateLimitReset reads an X-RateLimit-Reset value: a number of seconds,
// with an optional fraction, that is a Unix time when it is at least
// unixThreshold and a delay otherwise.
func parseRateLimitReset(v string, ref time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	whole, frac, _ := strings.Cut(v, ".")
	secs, ok := digits(whole)
	if !ok {
		return 0, false
	}
	var ns time.Duration
	if frac != "" {
		if strings.Trim(frac, "0123456789") != "" {
			return 0, false
		}
		if len(frac) > 9 {
			frac = frac[:9]
		}
		n, _ := strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
		ns = time.Duration(n)
	}
	if secs >= unixThreshold {
		return until(time.Unix(secs, int64(ns)), ref), true
	}
	return time.Duration(secs)*time.Second + ns, true
}

// maxDigits is the largest number digits returns: far past maxHint as a
// delay and as a Unix time, and far from overflowing a Duration.
const maxDigits = 1 << 33

// digits reads a non-empty run of ASCII digits, cut to maxDigits.
func digits(s string) (int64, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > maxDigits {
		return maxDigits, true // only a range error is possible: too many digits
	}
	return int64(n), true
}

// until is t - ref, at least 0 and at most maxHint.
func until(t, ref time.Time) time.Duration {
	d := t.Sub(ref)
	return min(max(d, 0), maxHint)
}
