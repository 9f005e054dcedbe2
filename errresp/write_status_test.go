package errresp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Write reports the status it wrote: the one the response carries and the
// observer saw, whether it comes from the style, the error's own status or
// a declared code; 0 when it wrote nothing.
func TestWriteReportsStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		style *Style
		err   error
		want  int
	}{
		{"kind in problem", Problem, New(NotFound, ""), 404},
		{"style's own status", Gcore, New(CapacityUnavailable, ""), 403},
		{"error's own status", GPCN, &Error{Kind: ClientError, HTTPStatus: 418}, 418},
		{"plain error", DevDocs, errors.New("boom"), 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			w, r := Begin(rec, httptest.NewRequest("GET", "/", nil))
			var observed int
			r = withObserver(WithStyle(r, tc.style), func(_ *http.Request, _ *Error, status int) { observed = status })
			status, err := Write(w, r, tc.err)
			if err != nil || status != tc.want || rec.Code != tc.want || observed != tc.want {
				t.Fatalf("Write = %d, %v; response %d, observer %d; want %d", status, err, rec.Code, observed, tc.want)
			}
			if s := From(tc.err).Status(tc.style); s != status {
				t.Errorf("Error.Status = %d, Write reported %d", s, status)
			}
			// The response has started now: nothing more is written.
			if status, err := Write(w, r, tc.err); status != 0 || !errors.Is(err, ErrResponseStarted) {
				t.Errorf("second Write = %d, %v; want 0, ErrResponseStarted", status, err)
			}
		})
	}
	if status, err := Write(httptest.NewRecorder(), nil, nil); status != 0 || err != nil {
		t.Errorf("Write(nil) = %d, %v", status, err)
	}
}
