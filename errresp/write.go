package errresp

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"sync"
	"time"
)

// ErrResponseStarted is returned by Write when the response had already
// started (a status or body byte was sent), so no envelope could be written.
var ErrResponseStarted = errors.New("errresp: response already started; error envelope not written")

// Header values shared by every response; net/http never modifies a header
// value slice in place, so they are safe to share.
var (
	nosniffHeader = []string{"nosniff"}
	noStoreHeader = []string{"no-store"}
	closeHeader   = []string{"close"}
)

type scratch struct {
	env Envelope
	obj Object
}

var scratchPool = sync.Pool{New: func() any { return &scratch{obj: Object{buf: make([]byte, 0, 1024)}} }}

// Write sends err as one envelope in the style r's context selects (see
// WithStyle; Default otherwise), and is the only function in the module that
// writes an error body. err goes through From first, so any error may be
// passed; a nil err writes nothing.
//
// On a 5xx Write first drops the headers set before it but those a client
// needs from a failure (CORS, Vary, Retry-After, rate limits, the request
// id, security policy; KeepHeaders keeps more). Write sets the status,
// Content-Type, X-Content-Type-Options: nosniff,
// Cache-Control: no-store, X-Request-ID (when the request has an id),
// Retry-After (when the error has one) and the error's extra headers, and
// removes Content-Length. When the request carries a body that has not been
// read to its end (the envelope answers it before or instead of reading it),
// Write also sets Connection: close on HTTP/1, so that the server closes the
// connection after the answer instead of first reading the rest of the body:
// a client sending its body slowly cannot hold the answer back. The body is
// valid JSON whatever bytes the message or fields hold, and holds nothing of
// the error's cause. It calls the request's Observer, if any, before writing.
//
// The cause of a 5xx is never sent, and Write logs nothing itself: on a
// request that has been through Begin (any middleware of the module in
// front), it records the failure for Finish, and the middleware logs it once,
// with the request id and the cause, when the handler returns. Without
// Begin, nothing records it: the cause stays with the caller, who must log
// it (or mount middleware.RequestID, Recoverer or Style in front).
//
// When the Observer or the style's Encode panics, Write still answers: a
// fixed 500 in the request's style (the generic Internal envelope, encoded
// once a style, or a constant minimal body when the style cannot encode even
// that), logged once through slog's default logger with the panic and its
// stack. The connection stays usable for the next request.
//
// Write returns the status it wrote: the style's for the error's kind, or
// the error's own (Error.HTTPStatus, a declared code's), the one the
// Observer saw. When the response has already started (on a writer from
// Begin), Write writes nothing and returns 0 and ErrResponseStarted, and
// the failure is still reported to Finish, its cause wrapped in
// ErrResponseStarted, so that the middleware logs it; for a nil err it
// returns 0 and nil. Otherwise the error is the one from writing
// the body, if any.
func Write(w http.ResponseWriter, r *http.Request, err error) (status int, werr error) {
	if err == nil {
		return 0, nil
	}
	e := From(err)
	var st *state
	if r != nil {
		st = stateFrom(r.Context())
	}
	style := Default
	if st != nil {
		if st.Status != 0 {
			st.late(e)
			return 0, ErrResponseStarted
		}
		if st.style != nil {
			style = st.style
		}
	}
	kind, c, msg := style.resolve(e)

	h := w.Header()
	if c.Status >= 500 {
		dropServerErrorHeaders(h, r) // see headers_5xx.go
	}
	delete(h, "Content-Length")
	h["Content-Type"] = style.ctHeader
	h["X-Content-Type-Options"] = nosniffHeader
	h["Cache-Control"] = noStoreHeader
	closeIfUnread(w, h, st, r)
	var id string
	if st != nil && st.ID != "" {
		id = st.ID
		if v := h[headerRequestIDKey]; len(v) != 1 || v[0] != id {
			h[headerRequestIDKey] = st.IDHeader()
		}
	} else if v := h[headerRequestIDKey]; len(v) > 0 {
		id = v[0]
	}
	for k, vs := range e.Header {
		h[textproto.CanonicalMIMEHeaderKey(k)] = vs
	}
	if e.RetryAfter > 0 {
		h["Retry-After"] = []string{strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10)}
	}
	if st != nil && st.observer != nil {
		if v := guard(func() { st.observer(r, e, c.Status) }); v != nil {
			return writePanicked(w, r, st, style, e, id, "observer", v)
		}
	}

	sc := scratchPool.Get().(*scratch)
	sc.env = style.envelope(e, kind, c, msg, id)
	sc.obj = Object{buf: append(sc.obj.buf[:0], '{'), ownKeys: style.builtin}
	if v := guard(func() { style.Encode(&sc.obj, &sc.env) }); v != nil {
		sc.env = Envelope{}
		sc.obj.buf = sc.obj.buf[:0]
		scratchPool.Put(sc)
		return writePanicked(w, r, st, style, e, id, "encode", v)
	}
	sc.obj.buf = append(sc.obj.buf, '}', '\n')
	if st != nil {
		st.release() // an intercepted response held back is replaced by this one
		st.setWriting(true)
		if c.Status >= 500 {
			st.caught = e // for the middleware's log line (Finish)
		}
	}
	w.WriteHeader(c.Status)
	_, werr = w.Write(sc.obj.buf)
	if st != nil {
		st.setWriting(false)
	}
	if cap(sc.obj.buf) <= 64<<10 {
		sc.env = Envelope{}
		scratchPool.Put(sc)
	}
	return c.Status, werr
}

// Render returns the body Write would send for err in style s (nil means
// Default) with the given request id, and the status. It is for tests,
// documentation and non-HTTP transports.
func Render(s *Style, err error, requestID string) ([]byte, int) {
	if s == nil {
		s = Default
	}
	e := From(err)
	if e == nil {
		return nil, 0
	}
	kind, c, msg := s.resolve(e)
	env := s.envelope(e, kind, c, msg, requestID)
	o := Object{buf: []byte{'{'}, ownKeys: s.builtin}
	s.Encode(&o, &env)
	return append(o.buf, '}', '\n'), c.Status
}

// resolve returns e's kind and the style's code for it, with the status of
// e's declared code (DeclareCodes) or e's own status when it has one; a
// style whose titles are status phrases (Problem) then takes the phrase of
// that status. msg is the declared code's title, the message e defaults to.
func (s *Style) resolve(e *Error) (k Kind, c Code, msg string) {
	k = e.effectiveKind()
	sc, isDeclared := declared(e.Code)
	if k == Unknown {
		k = Internal
		if isDeclared {
			k = sc.Kind
		}
	}
	c = s.code(k)
	status := c.Status
	if isDeclared && sc.Kind == k {
		msg = sc.Title
		if sc.Status != 0 {
			status = sc.Status
		}
	}
	if e.ownStatus() {
		status = e.HTTPStatus
	}
	if status != c.Status {
		c.Status = status
		if s.statusTitles {
			if t := statusText(c.Status); t != "" {
				c.Title = t
			}
		}
	}
	return k, c, msg
}

// envelope resolves e against the style's code c, by the rule of Error's
// doc: the message is the error's own, else its declared code's title
// (msg), else the style's message for the kind, else the code's title.
func (s *Style) envelope(e *Error, kind Kind, c Code, msg, requestID string) Envelope {
	env := Envelope{Kind: kind, Code: c.Code, Status: c.Status, Title: c.Title, Message: e.Message,
		RequestID: requestID, Fields: e.Fields, Info: e.Info, RetryAfter: e.RetryAfter}
	if e.Code != "" {
		env.Code = e.Code
	}
	if env.Message == "" {
		env.Message = msg
	}
	if env.Message == "" {
		env.Message = s.message(kind)
	}
	if env.Message == "" {
		env.Message = c.Title
	}
	return env
}

// late records e, a failure Write could not send because the response had
// started, for Finish: an Internal error whose cause wraps
// ErrResponseStarted and e. The first failure the request owes a line for
// is kept.
func (st *state) late(e *Error) {
	if st.caught == nil {
		st.caught = &Error{Kind: e.kindOrInternal(), Err: fmt.Errorf("%w: %w", ErrResponseStarted, e)}
	}
}
