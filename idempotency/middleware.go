package idempotency

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/reqlog"
)

// The response headers of a replay.
const (
	// ReplayHeader marks a replayed response: "Idempotent-Replayed: true".
	ReplayHeader = "Idempotent-Replayed"
	// OriginalRequestIDHeader carries the request id of the first request
	// on a replay (the replay's own is in X-Request-ID).
	OriginalRequestIDHeader = "Idempotent-Original-Request-Id"
)

// New returns the middleware: a request of a covered method (POST and PATCH
// by default) that carries an Idempotency-Key runs once per key and caller;
// a retry gets the first response again. See the package documentation for
// the model; store is where the keys are kept (NewMemoryStore, or the Redis
// store of package idempotency/redisstore for several instances). It panics
// if store is nil.
func New(store Store, opts ...Option) func(http.Handler) http.Handler {
	if store == nil {
		panic("apierror/idempotency: New: nil store")
	}
	_, local := store.(inProcess)
	m := &middleware{cfg: newConfig(opts), store: store, local: local}
	m.pending.m = m
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.serve(w, r, next) })
	}
}

type middleware struct {
	cfg     *config
	store   Store
	local   bool // store is inProcess
	pending pending
}

func (m *middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	c := m.cfg
	if !c.methods[r.Method] {
		next.ServeHTTP(w, r)
		return
	}
	key, ok, err := ParseKey(r.Header[Header], c.maxKeyLen)
	switch {
	case err != nil:
		msg := err.Error()
		writeErr(w, r, invalidKey(strings.ToUpper(msg[:1])+msg[1:]+"."))
		return
	case !ok && c.required:
		writeErr(w, r, invalidKey("This request requires an Idempotency-Key header."))
		return
	case !ok:
		next.ServeHTTP(w, r)
		return
	}
	scope, err := c.scope(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	body, err := readBody(r, c.maxReqBody)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	fp := fingerprint(r, c.headers, body)
	sk := storeKey(scope, key)
	if p, ok := m.pending.lookup(sk); ok {
		m.answerPending(w, r, p, fp)
		return
	}
	claim, err := m.begin(r, sk, fp)
	if err != nil {
		m.storeFailed(w, r, next, err, "begin")
		return
	}
	switch claim.State {
	case Started:
		m.run(w, r, next, sk, fp, claim.Token)
	case Done:
		m.replay(w, r, claim.Response)
	case Mismatch:
		writeErr(w, r, reused())
	default:
		writeErr(w, r, inUse(c.retryAfter))
	}
}

// begin asks the store, and when the key is running and WithWait allows,
// asks again until it is not or the wait is over.
func (m *middleware) begin(r *http.Request, sk, fp string) (Claim, error) {
	c := m.cfg
	claim, err := m.beginOnce(r.Context(), sk, fp)
	if err != nil || claim.State != Running || c.wait <= 0 {
		return claim, err
	}
	deadline := time.Now().Add(c.wait)
	pause := 20 * time.Millisecond
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return claim, nil
		}
		t := time.NewTimer(min(pause, left))
		select {
		case <-r.Context().Done():
			t.Stop()
			return claim, nil
		case <-t.C:
		}
		pause = min(2*pause, 500*time.Millisecond)
		if claim, err = m.beginOnce(r.Context(), sk, fp); err != nil || claim.State != Running {
			return claim, err
		}
	}
}

func (m *middleware) beginOnce(ctx context.Context, sk, fp string) (Claim, error) {
	ctx, cancel := m.bound(ctx, false)
	defer cancel()
	return m.store.Begin(ctx, sk, fp, m.cfg.lease)
}

// inProcess is the unexported mark of a store that answers from the
// process's memory and so never waits: it needs no deadline of its own.
type inProcess interface{ inProcess() }

// bound bounds a store call by WithStoreTimeout, detached from ctx's
// cancellation when detach is set (a response is saved even when its
// client has gone), or leaves ctx as it is for an in-process store.
func (m *middleware) bound(ctx context.Context, detach bool) (context.Context, context.CancelFunc) {
	if m.local {
		return ctx, nop
	}
	if detach {
		ctx = context.WithoutCancel(ctx)
	}
	return context.WithTimeout(ctx, m.cfg.storeTimeout)
}

func nop() {}

// run runs the first request with a key and saves its response, or frees
// the key when the response is one the client would retry, when the
// handler panics, or when the connection was hijacked.
func (m *middleware) run(w http.ResponseWriter, r *http.Request, next http.Handler, sk, fp, token string) {
	rec := &recorder{ResponseWriter: w, outer: w.Header().Clone(), requestID: errresp.RequestID(r.Context()),
		max: m.cfg.maxRespBody}
	finished := false
	defer func() {
		if !finished {
			// The handler panicked (the panic goes on to the recoverer
			// outside): free the key, so that a retry runs.
			m.release(r, sk, token)
		}
	}()
	next.ServeHTTP(rec, r)
	finished = true
	if rec.status == 0 && !rec.hijacked {
		rec.WriteHeader(http.StatusOK)
	}
	if rec.hijacked || retried(rec.status) {
		m.release(r, sk, token)
		return
	}
	p := &pendingFinish{key: sk, token: token, fingerprint: fp, response: rec.stored(),
		until: time.Now().Add(m.cfg.lease), logger: m.cfg.logger}
	if p.logger == nil {
		p.logger = reqlog.For(r.Context())
	}
	if err := m.finish(r.Context(), p); err != nil {
		m.log(r, slog.LevelError, "apierror/idempotency: the response could not be saved; retrying it in the background", err)
		m.pending.add(p)
	}
}

// retried reports whether a client retries a response of this status (a
// 5xx, 408 and 429: the retryable kinds' statuses), so that it must run
// again rather than be replayed.
func retried(status int) bool {
	return status >= 500 || status >= 400 && errresp.KindForStatus(status).Retryable()
}

func (m *middleware) finish(ctx context.Context, p *pendingFinish) error {
	ctx, cancel := m.bound(ctx, true)
	defer cancel()
	err := m.store.Finish(ctx, p.key, p.token, p.fingerprint, p.response, m.cfg.retention)
	if errors.Is(err, ErrNotHeld) {
		return nil // another claim holds the key: nothing of ours to save
	}
	return err
}

func (m *middleware) release(r *http.Request, sk, token string) {
	ctx, cancel := m.bound(r.Context(), true)
	defer cancel()
	if err := m.store.Release(ctx, sk, token); err != nil && !errors.Is(err, ErrNotHeld) {
		m.log(r, slog.LevelWarn, "apierror/idempotency: the key could not be released; it is free when its lease runs out", err)
	}
}

// replay writes a saved response, byte for byte, with ReplayHeader.
func (m *middleware) replay(w http.ResponseWriter, r *http.Request, b []byte) {
	s, err := parseStored(b)
	if err != nil {
		m.log(r, slog.LevelError, "apierror/idempotency: saved response", err)
		writeErr(w, r, errresp.Wrap(errresp.Unavailable, err, "The saved response of this request cannot be read."))
		return
	}
	if s.tooLarge {
		writeErr(w, r, errresp.New(errresp.Conflict,
			"The request with this Idempotency-Key has completed, but its response was too large to keep; it is not run again."))
		return
	}
	h := w.Header()
	s.setHeader(h)
	h["Content-Length"] = []string{strconv.Itoa(len(s.body))}
	h[ReplayHeader] = replayTrue
	if len(s.requestID) > 0 {
		h[OriginalRequestIDHeader] = []string{string(s.requestID)}
	}
	w.WriteHeader(s.status)
	_, _ = w.Write(s.body)
}

var replayTrue = []string{"true"}

// storeFailed answers as the store policy says.
func (m *middleware) storeFailed(w http.ResponseWriter, r *http.Request, next http.Handler, err error, op string) {
	if m.cfg.failOpen {
		m.log(r, slog.LevelWarn, "apierror/idempotency: store failed ("+op+"); running the request without its key", err)
		next.ServeHTTP(w, r)
		return
	}
	m.log(r, slog.LevelError, "apierror/idempotency: store failed ("+op+"); refusing with 503", err)
	e := errresp.Wrap(errresp.Unavailable, err, "Requests with an Idempotency-Key cannot be served now; retry later.")
	e.RetryAfter = m.cfg.retryAfter
	writeErr(w, r, e)
}

func (m *middleware) log(r *http.Request, level slog.Level, msg string, err error) {
	reqlog.Log(m.cfg.logger, r, level, msg, slog.Any("error", err))
}

// readBody reads the request body for its fingerprint and puts it back.
func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := readAtMost(r.Body, r.ContentLength, max)
	_ = r.Body.Close()
	var mbe *http.MaxBytesError
	switch {
	case int64(len(body)) > max || errors.As(err, &mbe):
		return nil, errresp.New(errresp.PayloadTooLarge, "The request body is too large.")
	case err != nil:
		return nil, errresp.Wrap(errresp.InvalidRequest, err, "The request body could not be read.")
	}
	rb := &bodyReader{}
	rb.Reset(body)
	r.Body = rb
	return body, nil
}

// bodyReader is the request body put back after its fingerprint: one
// allocation where io.NopCloser(bytes.NewReader(b)) is two.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// readAtMost reads rd to its end, or to one byte past max, into a buffer
// sized by the announced length n (when it is known and within max), so
// that a body of the length it announced costs one allocation.
func readAtMost(rd io.Reader, n, max int64) ([]byte, error) {
	size := int64(512)
	if n > 0 && n <= max {
		size = n + 1 // one more, to read the end
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		k, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+k]
		switch {
		case int64(len(b)) > max:
			return b, nil
		case err == io.EOF:
			return b, nil
		case err != nil:
			return b, err
		}
	}
}

func writeErr(w http.ResponseWriter, r *http.Request, err error) { _, _ = errresp.Write(w, r, err) }

func invalidKey(msg string) *errresp.Error {
	return &errresp.Error{Kind: errresp.IdempotencyKeyInvalid, Message: msg,
		Fields: []errresp.FieldError{{Field: Header, In: "header", Message: msg}}}
}

func inUse(retryAfter time.Duration) *errresp.Error {
	e := errresp.New(errresp.IdempotencyKeyInUse,
		"A request with this Idempotency-Key is still being processed; send it again after Retry-After.")
	e.RetryAfter = retryAfter
	return e
}

func reused() *errresp.Error {
	return errresp.New(errresp.IdempotencyKeyReused,
		"This Idempotency-Key was used with a different request; use a new key for a new request.")
}
