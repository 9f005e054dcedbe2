package client

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// ref is the instant the tests measure waits from.
var ref = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"20", 20 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"0", 0, true},
		{"Mon, 30 Nov 2026 12:00:45 GMT", 45 * time.Second, true},
		{"Monday, 30-Nov-26 12:01:00 GMT", time.Minute, true}, // RFC 850, which RFC 9110 still accepts
		{"Mon Nov 30 12:00:03 2026", 3 * time.Second, true},   // asctime
		{"Mon, 30 Nov 2026 11:59:00 GMT", 0, true},            // past: now
		{"99999999999999999999999", maxHint, true},
		{"8589934593", maxHint, true},
		{"", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"soon", 0, false},
		{"0x10", 0, false},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, ref)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseRateLimitReset(t *testing.T) {
	t.Parallel()
	unix := ref.Unix()
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{strconv.FormatInt(unix+20, 10), 20 * time.Second, true}, // Unix time, ratelimit's default
		{strconv.FormatInt(unix-20, 10), 0, true},                // already past
		{strconv.FormatInt(unix, 10) + ".250", 250 * time.Millisecond, true},
		{"20", 20 * time.Second, true}, // seconds, ratelimit.WithResetSeconds
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"0.0000000019", 1, true}, // past nanoseconds are dropped
		{"999999999", 999999999 * time.Second, true},
		{"99999999999999999999999", maxHint, true},
		{"", 0, false},
		{".5", 0, false},
		{"5.", 5 * time.Second, true},
		{"-1", 0, false},
		{"1e9", 0, false},
		{"1.-5", 0, false},
		{"Mon, 30 Nov 2026 12:00:45 GMT", 0, false},
	}
	for _, c := range cases {
		got, ok := parseRateLimitReset(c.in, ref)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRateLimitReset(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestWaitHint(t *testing.T) {
	t.Parallel()
	date := ref.Add(-time.Hour).Format(http.TimeFormat) // the server's clock is an hour behind ours
	cases := []struct {
		name        string
		header      http.Header
		rateLimited bool
		want        time.Duration
		ok          bool
	}{
		{"retry-after seconds", http.Header{"Retry-After": {"3"}}, false, 3 * time.Second, true},
		{"retry-after wins over reset", http.Header{"Retry-After": {"3"}, "X-Ratelimit-Reset": {"50"}}, true, 3 * time.Second, true},
		{"reset alone on a refusal", http.Header{"X-Ratelimit-Reset": {"50"}}, true, 50 * time.Second, true},
		{"reset ignored elsewhere", http.Header{"X-Ratelimit-Reset": {"50"}}, false, 0, false},
		{"bad retry-after, reset read", http.Header{"Retry-After": {"later"}, "X-Ratelimit-Reset": {"50"}}, true, 50 * time.Second, true},
		{"neither", http.Header{}, true, 0, false},
		{"date measured from Date", http.Header{"Date": {date}, "Retry-After": {ref.Add(-time.Hour + 9*time.Second).Format(http.TimeFormat)}}, false, 9 * time.Second, true},
		{"unix reset measured from Date", http.Header{"Date": {date}, "X-Ratelimit-Reset": {strconv.FormatInt(ref.Unix()-3600+12, 10)}}, true, 12 * time.Second, true},
		{"bad Date ignored", http.Header{"Date": {"yesterday"}, "X-Ratelimit-Reset": {strconv.FormatInt(ref.Unix()+12, 10)}}, true, 12 * time.Second, true},
		{"RateLimit t of the policy with r=0", http.Header{"Ratelimit": {`"default";r=0;t=7`}, "Ratelimit-Reset": {"3"}, "X-Ratelimit-Reset": {"50"}}, true, 7 * time.Second, true},
		{"retry-after wins over RateLimit", http.Header{"Retry-After": {"2"}, "Ratelimit": {`"default";r=0;t=7`}}, true, 2 * time.Second, true},
		{"RateLimit with quota left: RateLimit-Reset", http.Header{"Ratelimit": {`"default";r=5;t=7`}, "Ratelimit-Reset": {"3"}, "X-Ratelimit-Reset": {"50"}}, true, 3 * time.Second, true},
		{"RateLimit-Reset before X-RateLimit-Reset", http.Header{"Ratelimit-Reset": {"3"}, "X-Ratelimit-Reset": {"50"}}, true, 3 * time.Second, true},
		{"RateLimit ignored elsewhere", http.Header{"Ratelimit": {`"default";r=0;t=7`}, "Ratelimit-Reset": {"3"}}, false, 0, false},
	}
	for _, c := range cases {
		got, ok := waitHint(c.header, c.rateLimited, ref)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: waitHint = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   []string
		want time.Duration
		ok   bool
	}{
		{[]string{`"default";r=0;t=7`}, 7 * time.Second, true},
		{[]string{`default;r=0;t=7`}, 7 * time.Second, true}, // a token name
		{[]string{`"a";r=0;t=7, "b";r=0;t=60, "c";r=4;t=600`}, 60 * time.Second, true},
		{[]string{`"a";r=3;t=7`, `"b";t=9;r=0`}, 9 * time.Second, true}, // two field lines, parameters in any order
		{[]string{`"a,;r=9";r=0;t=5`}, 5 * time.Second, true},           // separators inside the name
		{[]string{`"a";r=0`}, 0, false},
		{[]string{`"a";t=7`}, 0, false},
		{[]string{`"a";r=0;t=-7`}, 0, false},
		{[]string{`"a";r=0;t=99999999999999999999`}, maxHint, true},
		{[]string{`limit=10, remaining=0, reset=7`}, 0, false}, // the draft's older dictionary
		{[]string{``}, 0, false},
	}
	for _, c := range cases {
		got, ok := parseRateLimit(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRateLimit(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// FuzzWaitHint: whatever bytes the headers hold, the wait is never negative
// nor past maxHint, and a plain number of seconds is read exactly.
func FuzzWaitHint(f *testing.F) {
	f.Add("20", "1795000000", "Mon, 30 Nov 2026 12:00:00 GMT", true)
	f.Add("Mon, 30 Nov 2026 12:00:45 GMT", "20.5", "", false)
	f.Add("", "1795000000.123456789123", "Sun, 06 Nov 1994 08:49:37 GMT", true)
	f.Add("99999999999999999999", "99999999999999999999.9", "Monday, 30-Nov-26 12:01:00 GMT", true)
	f.Add(" 0 ", ".", "\x00", true)
	f.Fuzz(func(t *testing.T, retryAfter, reset, date string, rateLimited bool) {
		h := http.Header{}
		for k, v := range map[string]string{"Retry-After": retryAfter, "X-Ratelimit-Reset": reset, "Date": date,
			"Ratelimit": reset + `;r=0;t=` + date, "Ratelimit-Reset": date} {
			if v != "" {
				h.Set(k, v)
			}
		}
		d, ok := waitHint(h, rateLimited, ref)
		if d < 0 || d > maxHint {
			t.Fatalf("waitHint(%q) = %v, outside [0, %v]", h, d, maxHint)
		}
		if !ok && d != 0 {
			t.Fatalf("waitHint(%q) = %v without a hint", h, d)
		}
		if n, err := strconv.ParseInt(retryAfter, 10, 64); err == nil && retryAfter[0] >= '0' && retryAfter[0] <= '9' && time.Duration(n) < maxHint/time.Second {
			if !ok || d != time.Duration(n)*time.Second {
				t.Fatalf("Retry-After %q read as %v, %v", retryAfter, d, ok)
			}
		}
		if rd, rok := parseRetryAfter(retryAfter, ref); rok && (rd < 0 || rd > maxHint) {
			t.Fatalf("parseRetryAfter(%q) = %v", retryAfter, rd)
		}
		if xd, xok := parseRateLimitReset(reset, ref); xok && (xd < 0 || xd > maxHint) {
			t.Fatalf("parseRateLimitReset(%q) = %v", reset, xd)
		}
		if rd, rok := parseRateLimit([]string{reset, date}); rok && (rd < 0 || rd > maxHint) {
			t.Fatalf("parseRateLimit(%q, %q) = %v", reset, date, rd)
		}
	})
}
