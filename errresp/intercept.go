package errresp

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Interception: the writer Begin returns turns an error response written by
// code that does not know the library (http.Error, http.NotFound,
// http.TimeoutHandler, a FileServer, chi's middleware, a handler's own
// WriteHeader(500) or its own JSON error) into the request's envelope.
//
// When a status from 400 to 599 is written (unless interception is off, or
// the response is JSON and WithInterceptJSON turned JSON's off), the status
// is held back and the body written after it goes into a bounded buffer
// (heldMax bytes are kept, heldJSONMax for a body that may be JSON; the
// rest is counted and dropped). The envelope is written at the first Flush,
// or by Finish when the handler returns; whatever the handler writes after
// that is dropped. The body is read by the reader Decode uses (read.go): a
// body in the request's own style, whole, is sent as it was; a 5xx is
// withheld; a 4xx keeps its message, code and fields. Successes are never
// held: they cost one comparison a WriteHeader and one a Write.

// heldMax is how much of an intercepted body is kept in the held record
// itself: enough for a text body's first line as a 4xx message and for the
// log line of a 5xx.
const heldMax = 512

// heldJSONMax is how much of a body that may be JSON (labelled so, or
// unlabelled, or opening with '{' or '[') is kept, so that a list of field
// errors or an envelope in the service's own style is read whole. A longer
// body counts as cut off: it is read as text.
const heldJSONMax = 64 << 10

// held is an intercepted error response: its status, its Content-Type and
// the start of its body.
type held struct {
	status int
	ct     string
	n      int
	total  int64
	buf    [heldMax]byte
	ext    []byte // the body, once it outgrows buf and may be JSON
	done   bool   // the envelope is written (or the response given up): drop writes
}

// Write keeps what fits of b and drops the rest; it never fails.
func (h *held) Write(b []byte) (int, error) {
	if h.done {
		return len(b), nil
	}
	switch {
	case h.ext != nil:
		h.ext = append(h.ext, b[:min(len(b), heldJSONMax-len(h.ext))]...)
	case h.n+len(b) > heldMax && h.total == int64(h.n) && h.mayBeJSON(b):
		h.ext = make([]byte, 0, min(h.n+len(b), heldJSONMax))
		h.ext = append(h.ext, h.buf[:h.n]...)
		h.ext = append(h.ext, b[:min(len(b), heldJSONMax-h.n)]...)
	}
	if h.n < heldMax {
		h.n += copy(h.buf[h.n:], b)
	}
	h.total += int64(len(b))
	return len(b), nil
}

// mayBeJSON reports whether the body, whose next bytes are b, may be JSON.
func (h *held) mayBeJSON(b []byte) bool {
	if h.ct == "" || isJSONMediaType(h.ct) {
		return true
	}
	first := bytes.TrimLeft(h.buf[:h.n], " \t\r\n")
	if len(first) == 0 {
		first = bytes.TrimLeft(b, " \t\r\n")
	}
	return len(first) > 0 && (first[0] == '{' || first[0] == '[')
}

// body returns the body as kept.
func (h *held) body() []byte {
	if h.ext != nil {
		return h.ext
	}
	return h.buf[:h.n]
}

var (
	heldPool = sync.Pool{New: func() any { return new(held) }}
	// dropping stands in for a held response once it is answered: every
	// later write is dropped. It is never modified.
	dropping = &held{done: true}
)

// ForeignError is the internal cause of an envelope the writer from Begin
// wrote in place of an error response from code that does not know the
// library. It is never written to a response; the middleware logs it (with
// the request id) so that a 5xx's text, which never reaches the client, is
// not lost.
type ForeignError struct {
	// Status is the status the handler wrote.
	Status int
	// ContentType is the Content-Type the handler set, if any.
	ContentType string
	// Body is the start of the body the handler wrote (at most 512 bytes),
	// as valid UTF-8.
	Body string
	// Size is how many body bytes the handler wrote in all.
	Size int64
}

func (f *ForeignError) Error() string {
	return "handler answered " + strconv.Itoa(f.Status) + " (" + strconv.FormatInt(f.Size, 10) + " bytes): " + f.Body
}

// intercept holds back the error response whose status is code.
func (st *state) intercept(code int) {
	h := heldPool.Get().(*held)
	*h = held{status: code}
	if v := st.ResponseWriter.Header()["Content-Type"]; len(v) > 0 {
		h.ct = v[0]
	}
	st.hold = h
}

// release gives up a held response without answering it (Write answers the
// request with an error of its own, or the connection was hijacked).
func (st *state) release() {
	if h := st.hold; h != nil && h != dropping {
		st.hold = dropping
		heldPool.Put(h)
	}
}

// emit writes the envelope of the held response, once, or the response
// itself when its body is in the request's style.
func (st *state) emit() {
	h := st.hold
	if h == nil || h == dropping {
		return
	}
	e, pass := h.toError(StyleOf(st.req))
	st.hold = dropping
	if pass {
		st.Status = int32(h.status)
		st.ResponseWriter.WriteHeader(h.status)
		_, _ = st.ResponseWriter.Write(h.body())
		h.ext = nil
		heldPool.Put(h)
		return
	}
	h.ext = nil
	heldPool.Put(h)
	st.caught = e
	hdr := st.ResponseWriter.Header()
	for _, k := range representationHeaders {
		delete(hdr, k)
	}
	st.Writing = true
	_, _ = Write(st, st.req, e)
	st.Writing = false
}

// representationHeaders describe the body an intercepted response had; the
// envelope that replaces it must not carry them. On a 4xx every other header
// (the handler's WWW-Authenticate, Allow, Retry-After, Location,
// X-RateLimit-*, RateLimit*, Set-Cookie, and what middleware above set, such
// as CORS) is kept; Write drops more from a 5xx (headers_5xx.go). Write
// itself replaces Content-Type, Content-Length and Cache-Control.
var representationHeaders = []string{
	"Content-Encoding", "Content-Language", "Content-Disposition", "Content-Range",
	"Content-Location", "Etag", "Last-Modified", "Expires", "Accept-Ranges", "Trailer", "Transfer-Encoding",
}

// toError is the *Error a held response is answered with: the kind its
// status means (or its body's code, when the body is another style's
// envelope or carries a declared code), the status itself, for a 4xx the
// message, code and field errors its body carries (the first line of a
// text), and the body as the internal cause. pass reports that the body is
// whole and in the service's style s: it is sent as it is.
func (h *held) toError(s *Style) (e *Error, pass bool) {
	body := h.body()
	r := read{shape: shapeText}
	if h.total > int64(len(body)) { // cut off: text, and no message if it looked like JSON
		if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' && t[0] != '[' {
			r.e = &Error{Message: foreignMessage(h.ct, body)}
		} else {
			r.e = &Error{}
		}
	} else {
		r = readBody(h.status, h.ct, body, s)
		if r.shape == shapeStyle && r.style == s {
			return nil, true
		}
	}
	x := &struct { // one allocation for both
		e Error
		f ForeignError
	}{}
	x.e = Error{Kind: r.e.Kind, HTTPStatus: h.status, Err: &x.f}
	if x.e.Kind == Unknown || h.status >= 500 {
		x.e.Kind = KindForStatus(h.status)
	}
	if h.status < 500 {
		x.e.Message, x.e.Fields, x.e.Code = r.e.Message, r.e.Fields, r.e.Code
		if r.shape == shapeForeign {
			x.e.Code = r.code
		}
	}
	logged := body[:min(len(body), heldMax)]
	x.f = ForeignError{Status: h.status, ContentType: h.ct, Body: strings.ToValidUTF8(string(logged), "\uFFFD"), Size: h.total}
	return &x.e, false
}

// Finish completes the response of a request whose writer w came from
// Begin, once the handler below has returned: an error response that w
// intercepted and still holds is answered now with its envelope. It returns,
// once, the failure the request's log line is owed: the *Error of an
// envelope an interception wrote (at a Flush or now; its cause a
// *ForeignError), or of a 5xx that Write sent for the request, however it
// was called (from a handler, a middleware, an adapter); nil otherwise. The
// caller logs it, with its cause: the middleware does, so that every 5xx is
// logged once, by the innermost of its layers.
//
// Every middleware of the module that calls Begin calls Finish after the
// handler below returns; the first to do so answers. A service that calls
// Begin itself must call Finish too. When nothing was intercepted or failed
// it costs a type assertion, or a context lookup when w is not a writer
// Begin returned.
func Finish(w http.ResponseWriter, r *http.Request) *Error {
	st, ok := w.(*state)
	if !ok && r != nil {
		st = stateFrom(r.Context())
	}
	if st == nil {
		return nil
	}
	if st.hold != nil && st.hold != dropping {
		if r != nil {
			st.req = r
		}
		st.emit()
	}
	e := st.caught
	st.caught = nil
	return e
}

// WithIntercept turns the interception of error responses from code that
// does not know the library on or off for r and everything below; the
// innermost call wins, so a route group may turn it off and one of its
// routes back on. It is on by default.
func WithIntercept(r *http.Request, on bool) *http.Request {
	st, r := stateFor(r)
	for ; st != nil; st = st.parent() { // a layer's writer writes through its parent's
		st.PassThrough = !on
	}
	return r
}

// WithInterceptJSON turns the interception of JSON error responses (those
// whose Content-Type is application/json or application/*+json) on or off
// for r and everything below, apart from WithIntercept, which it needs; the
// innermost call wins. It is on by default: a handler's own JSON error is
// read like any foreign body (a 5xx withheld and logged, a 4xx's message,
// code and fields carried into the style's envelope, a body already in the
// request's style sent as it is). Off, every JSON error response passes as
// the handler wrote it, as it did before this interception existed.
func WithInterceptJSON(r *http.Request, on bool) *http.Request {
	st, r := stateFor(r)
	for ; st != nil; st = st.parent() { // a layer's writer writes through its parent's
		st.JSONAlone = !on
	}
	return r
}

// InterceptingJSON reports whether JSON error responses written below for r
// are read (see WithInterceptJSON).
func InterceptingJSON(r *http.Request) bool {
	st := stateFrom(r.Context())
	return st == nil || !st.JSONAlone
}

// Intercepting reports whether error responses written below for r are
// turned into envelopes (see WithIntercept).
func Intercepting(r *http.Request) bool {
	st := stateFrom(r.Context())
	return st == nil || !st.PassThrough
}

// jsonContent reports whether h's Content-Type is application/json or
// application/*+json (any case, any parameters).
func jsonContent(h http.Header) bool {
	v := h["Content-Type"]
	if len(v) == 0 {
		return false
	}
	return isJSONMediaType(v[0])
}

func isJSONMediaType(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	const app = "application/"
	if len(ct) <= len(app) || !strings.EqualFold(ct[:len(app)], app) {
		return false
	}
	sub := ct[len(app):]
	return strings.EqualFold(sub, "json") || len(sub) > 5 && strings.EqualFold(sub[len(sub)-5:], "+json")
}
