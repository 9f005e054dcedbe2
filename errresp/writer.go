package errresp

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// The tracking writer. It records the first status, holds back an error
// response to intercept (intercept.go), and forwards everything else,
// including the optional interfaces through Unwrap (http.ResponseController).

func (st *state) WriteHeader(code int) {
	switch {
	case st.Writing:
	case st.hold != nil:
		return // an intercepted response: later statuses mean nothing
	case code >= 400 && code <= 599 && st.Status == 0 && !st.PassThrough && !(st.JSONAlone && jsonContent(st.ResponseWriter.Header())):
		st.intercept(code)
		return
	}
	if st.Status == 0 && code >= 200 || code == http.StatusSwitchingProtocols {
		st.Status = int32(code)
	}
	st.ResponseWriter.WriteHeader(code)
}

func (st *state) Write(b []byte) (int, error) {
	if st.hold != nil && !st.Writing {
		return st.hold.Write(b)
	}
	if st.Status == 0 {
		st.Status = http.StatusOK
	}
	return st.ResponseWriter.Write(b)
}

func (st *state) ReadFrom(src io.Reader) (int64, error) {
	if st.hold != nil {
		return io.Copy(st.hold, src)
	}
	if st.Status == 0 {
		st.Status = http.StatusOK
	}
	if rf, ok := st.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{st.ResponseWriter}, src)
}

// Flush implements http.Flusher when the underlying writer can flush. An
// intercepted error response is answered with its envelope first.
func (st *state) Flush() {
	if st.hold != nil {
		st.emit()
	}
	if st.Status == 0 {
		st.Status = http.StatusOK
	}
	_ = http.NewResponseController(st.ResponseWriter).Flush()
}

// Hijack implements http.Hijacker; after it the response counts as started.
// An intercepted error response still held back is dropped: the connection
// belongs to the handler now.
func (st *state) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(st.ResponseWriter).Hijack()
	if err == nil {
		st.release()
		st.Status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (st *state) Unwrap() http.ResponseWriter { return st.ResponseWriter }

// setWriting marks st, and the states of the writers it is a layer over,
// as sending an envelope (or done sending it), so that none of them
// intercepts it.
func (st *state) setWriting(on bool) {
	for ; st != nil; st = st.parent() {
		st.Writing = on
	}
}
