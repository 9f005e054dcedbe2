// Package client calls HTTP APIs and retries what the retry table of the
// Gcore reference says is worth retrying, the way it says to; it reads the
// error bodies of every errresp style and of other APIs and frameworks.
//
// A Transport is an http.RoundTripper; New returns an *http.Client that uses
// one. As net/http requires of a RoundTripper, it returns every response it
// obtained with a nil error, whatever its status (after its retries, the
// last one), so code that reads resp.StatusCode, and transports wrapped
// around it, see what they expect. Check(resp) returns the failure an error
// response carries, a *ResponseError whose *errresp.Error errors.As finds;
// Do returns an error for every failure, for code that wants one.
//
// The decoded *errresp.Error (errresp.DecodeRaw reads the body) holds what
// was on the wire:
//
//   - Kind: the provider-neutral reason: the kind a style's code names, a
//     declared code's (errresp.DeclareCodes), else the status's.
//   - Code: the machine-readable code the body carried, verbatim: a style's
//     code member ("INVALID_REQUEST", "AUTH-401"), Google's status
//     ("RESOURCE_EXHAUSTED"), Stripe's code ("card_declined") or else its
//     type, the "code" member of other shapes; "" when there was none.
//   - HTTPStatus: the response's status.
//   - Message: the body's human-readable message (gin's "error", echo's and
//     GitHub's "message", Google's and Stripe's error.message, a problem's
//     detail or title); else the first line of a text body; else the
//     status's phrase.
//   - Fields: the per-field failures (a style's, huma's location and
//     message, JSON:API's source, GitHub's errors, Google's field
//     violations, Stripe's param).
//   - Info: the body's other members.
//   - RequestID: the X-Request-ID header, else Request-Id, else
//     X-GitHub-Request-Id, else the body's.
//   - RetryAfter: the wait the response asked for (see below), measured when
//     it arrived.
//   - Header: the WWW-Authenticate challenges.
//
// An error body is read once, when the response arrives: its first
// errresp.MaxDecodeBody bytes (1 MiB), into one array that later attempts
// of the same request reuse. The response the caller gets reads those bytes
// and then the rest from the connection. A retried attempt's body, and the
// body of the failure Do returns, are read up to DrainLimit bytes further
// and closed.
//
// What is retried, by default:
//
//   - never a failure that sending the request again cannot fix: validation,
//     authentication, permission, not found, conflict, quota and the other
//     4xx kinds (Kind.Retryable says no), nor a capacity refusal, which is
//     worth retrying only in another region or size;
//   - a rate-limit refusal (429) and an unavailable service (503) after the
//     wait the response names: Retry-After, in seconds or as a date, or, on a
//     429 that has no Retry-After, the RateLimit field of
//     draft-ietf-httpapi-ratelimit-headers (-10, -11: the longest "t" of the
//     policies whose "r" is 0), else the draft's earlier RateLimit-Reset
//     (seconds), else X-RateLimit-Reset, as a Unix time or in seconds (with
//     the backoff below when they name no wait); a 5xx that names a wait is
//     given it too;
//   - the 409 of a server still running the first request with the same
//     Idempotency-Key (errresp.IdempotencyKeyInUse), after its Retry-After;
//   - other 5xx failures, and failures to get a response at all (refused or
//     reset connections, timeouts), with exponential backoff and full jitter:
//     1 to 2 s, then 1 to 4 s, then 1 to 5 s;
//   - at most 3 times, waiting at most 30 s in all, and never past the
//     request's context deadline: a wait that would end past it is not
//     started, and the failure is returned at once;
//   - only requests that are safe to send twice: GET, HEAD, OPTIONS, TRACE,
//     PUT and DELETE, or any method with an Idempotency-Key header
//     (WithIdempotencyKeys gives every POST and PATCH one), whose
//     body can be had again through Request.GetBody (http.NewRequest sets it
//     for in-memory bodies).
//
// Every attempt carries the request's id in X-Request-ID: the header the
// caller set, or else the id errresp.RequestID finds in the request's
// context, so that a service calling another from inside a handler (with the
// incoming request's context) passes its own request id on. Each retry is
// logged through log/slog with that id (or, when there is none, with the id
// the server answered with).
//
// A Transport is safe for concurrent use.
package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/apierror/apierror/errresp"
)

// Transport is an http.RoundTripper that decodes error responses and retries
// failures (see the package documentation). Build one with NewTransport; the
// zero value uses the defaults.
type Transport struct {
	cfg *config
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport configured by opts.
func NewTransport(opts ...Option) *Transport {
	return &Transport{cfg: newConfig(opts)}
}

// New returns an *http.Client whose transport is NewTransport(opts...). For
// other client settings (a cookie jar, redirects), build the http.Client
// yourself with a Transport.
func New(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(opts...)}
}

// Attempt is one sending of a request and what came of it, as the function
// set with WithOnAttempt sees it.
type Attempt struct {
	// N counts the attempts of one request from 1.
	N int
	// Request is the request as sent, with its X-Request-ID.
	Request *http.Request
	// Response is the response, nil when none came. On a success its body is
	// the caller's, and must not be read; on an error response it reads the
	// bytes the Transport read to decode it (at most errresp.MaxDecodeBody),
	// until the function returns (a retried attempt's bytes are then
	// reused).
	Response *http.Response
	// Err is nil for a success, the decoded *errresp.Error for an error
	// response, or the error of the failure to get a response.
	Err error
	// Retry reports whether the request is sent again, after Wait.
	Retry bool
	// Wait is how long the Transport waits before the next attempt.
	Wait time.Duration
}

// headerRequestID is errresp.HeaderRequestID in the canonical form of
// http.Header keys, so that reading it costs no allocation.
const headerRequestID = "X-Request-Id"

var defaultConfig = sync.OnceValue(func() *config { return newConfig(nil) })

// RoundTrip sends req, and again while its failure is worth retrying and the
// limits allow. As net/http requires of a RoundTripper, it returns every
// response it obtained with a nil error, whatever its status: the last one,
// after any retries. An error response's body reads the bytes the server
// sent, from the first (see Check for its decoded failure, which costs no
// second read). Only when no response came at all does it return an error:
// that of the last attempt.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.cfg
	if c == nil {
		c = defaultConfig()
	}
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	ctx := req.Context()
	var id string
	if v := req.Header[headerRequestID]; len(v) > 0 {
		id = v[0]
	}
	setID := false
	if id == "" {
		id = errresp.RequestID(ctx)
		setID = id != ""
	}
	if c.idemKeys {
		req = withIdempotencyKey(req)
	}
	replayWhy := notReplayable(req)
	var waited time.Duration
	var buf []byte // the kept bytes of an error body, reused by the next attempt
	for n := 1; ; n++ {
		out, err := attempt(req, n, id, setID)
		if err != nil {
			return nil, fmt.Errorf("apierror/client: rewinding the body for attempt %d: %w", n, err)
		}
		resp, err := base.RoundTrip(out)
		if resp == nil && err == nil {
			err = errors.New("apierror/client: the base RoundTripper returned neither a response nor an error")
		}
		a := Attempt{N: n, Request: out, Response: resp, Err: err}
		var f failure
		var body *errorBody
		switch {
		case err != nil:
			var ok bool
			if f.kind, ok = transportKind(err); !ok || ctx.Err() != nil {
				c.hook(a)
				return nil, afterAttempts(err, n)
			}
		case resp.StatusCode < 400:
			c.hook(a)
			return resp, nil
		default:
			body = readError(resp, buf[:0], n, c.now())
			buf = body.kept
			e := body.err
			f = failure{kind: e.Kind, wait: e.RetryAfter, hinted: body.hinted, requestID: e.RequestID}
			a.Err = e
		}
		a.Wait, a.Retry = c.decide(req, a, f, waited, replayWhy, id)
		if body != nil && c.onAttempt != nil {
			// The function sees the kept bytes; the rest stays the caller's.
			view := *resp
			view.Body = io.NopCloser(bytes.NewReader(body.kept))
			a.Response = &view
		}
		c.hook(a)
		if !a.Retry {
			if err != nil {
				return nil, afterAttempts(err, n)
			}
			body.rewind()
			remember(resp, body)
			return resp, nil
		}
		if body != nil {
			body.discard()
		}
		if serr := c.sleep(ctx, a.Wait); serr != nil {
			if body != nil {
				// The context ended the wait: the last response is still
				// the answer, its body what was kept of it.
				body.rewind()
				remember(resp, body)
				return resp, nil
			}
			return nil, fmt.Errorf("apierror/client: waiting %v to retry: %w; last attempt: %w", a.Wait, serr, afterAttempts(err, n))
		}
		waited += a.Wait
	}
}

// failure is what decide needs to know of a failed attempt.
type failure struct {
	kind      errresp.Kind
	wait      time.Duration // the wait the response asked for, when hinted
	hinted    bool
	requestID string // the id the server answered with, if any
}

// decide plans what follows attempt a, which failed with f (see plan), and
// logs it: a retry, or a retryable failure that is not retried, with the
// reason. id is the request id the request was sent with.
func (c *config) decide(req *http.Request, a Attempt, f failure, waited time.Duration, replayWhy, id string) (time.Duration, bool) {
	ctx := req.Context()
	wait, why, retry := c.plan(ctx, f, a.N, waited, replayWhy)
	if !retry && why == "" {
		return 0, false
	}
	if id == "" {
		id = f.requestID
	}
	u := *req.URL
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs, slog.String("method", a.Request.Method), slog.String("url", u.String()),
		slog.Int("attempt", a.N), slog.String("kind", f.kind.String()), slog.String("request_id", id))
	if a.Response != nil {
		attrs = append(attrs, slog.Int("status", a.Response.StatusCode))
	} else {
		attrs = append(attrs, slog.String("error", a.Err.Error()))
	}
	attrs = append(attrs, slog.Duration("wait", wait))
	if !retry {
		attrs = append(attrs, slog.String("reason", why))
		c.log().LogAttrs(ctx, slog.LevelInfo, "not retrying request", attrs...)
		return 0, false
	}
	c.log().LogAttrs(ctx, slog.LevelInfo, "retrying request", attrs...)
	return wait, true
}

func (c *config) hook(a Attempt) {
	if c.onAttempt != nil {
		c.onAttempt(a)
	}
}

// attempt returns the request to send as attempt n: req itself when nothing
// changes, else a copy carrying the request id and, from the second attempt,
// a fresh body from GetBody.
func attempt(req *http.Request, n int, id string, setID bool) (*http.Request, error) {
	if n == 1 && !setID {
		return req, nil
	}
	out := req.Clone(req.Context())
	if setID {
		out.Header[headerRequestID] = []string{id}
	}
	if n > 1 && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		out.Body = body
	}
	return out, nil
}

// afterAttempts adds the number of attempts to err when there was more than
// one.
func afterAttempts(err error, n int) error {
	if n == 1 {
		return err
	}
	return fmt.Errorf("%w (after %d attempts)", err, n)
}
