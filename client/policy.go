package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/apierror/apierror/errresp"
)

// Why a retryable failure is not sent again.
const (
	whyNotIdempotent = "the method is not idempotent and the request carries no Idempotency-Key"
	whyNoGetBody     = "the request body cannot be sent again (the request has no GetBody)"
	whyNoRetriesLeft = "no retries left"
	whyOverMaxWait   = "the wait would take the request past its maximum total wait"
	whyPastDeadline  = "the wait would take the request past its context's deadline"
)

// notReplayable says why req may not be sent again, or "" when it may: its
// method must be idempotent (RFC 9110, 9.2.2) or it must carry an
// Idempotency-Key (or X-Idempotency-Key, as net/http accepts), and its body,
// if any, must be obtainable again through GetBody.
func notReplayable(req *http.Request) string {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
	default:
		if len(req.Header["Idempotency-Key"]) == 0 && len(req.Header["X-Idempotency-Key"]) == 0 {
			return whyNotIdempotent
		}
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return whyNoGetBody
	}
	return ""
}

// transportKind classifies a failure to get a response: Timeout or
// Unavailable when another try may get one (the network or the server
// failed), and false when it cannot (a bad URL, a certificate that does not
// verify, a host that does not exist).
func transportKind(err error) (errresp.Kind, bool) {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsTimeout {
			return errresp.Timeout, true
		}
		return errresp.Unavailable, dns.IsTemporary && !dns.IsNotFound
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errresp.Timeout, true
	}
	var op *net.OpError
	if errors.As(err, &op) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		// Refused, reset, or closed by the server before it answered.
		return errresp.Unavailable, true
	}
	return errresp.Unknown, false
}

// plan decides whether attempt n, which failed with f, is sent again and
// after how long: after the wait the response asked for when it named one,
// else after the backoff. waited is the time already spent waiting, and
// replayWhy why the request cannot be sent again, if it cannot. When it is
// not sent again, why says why for a kind that is worth retrying, and is
// empty for one that is not.
func (c *config) plan(ctx context.Context, f failure, n int, waited time.Duration, replayWhy string) (wait time.Duration, why string, retry bool) {
	switch {
	case !c.retryKind[f.kind]:
		return 0, "", false
	case replayWhy != "":
		return 0, replayWhy, false
	case n > c.maxRetries:
		return 0, whyNoRetriesLeft, false
	}
	wait = f.wait
	if !f.hinted {
		wait = c.backoff(n - 1)
	}
	if wait > c.maxWait-waited {
		return wait, whyOverMaxWait, false
	}
	if dl, ok := ctx.Deadline(); ok && !c.now().Add(wait).Before(dl) {
		return wait, whyPastDeadline, false
	}
	return wait, "", true
}

// backoff returns the wait before retry number i (from 0) of a failure that
// named no wait: uniform in [lo, min(hi, lo·2^(i+1))].
func (c *config) backoff(i int) time.Duration {
	lo, hi := c.minBackoff, c.maxBackoff
	top := hi
	if i < 62 && lo <= hi>>(i+1) {
		top = lo << (i + 1)
	}
	return lo + time.Duration(c.jitter(int64(top-lo)+1))
}
