package errresp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Write says Connection: close exactly when an HTTP/1 request's body was
// not read to its end.
func TestWriteClosesOnUnreadBody(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		body  string
		read  int // bytes the handler reads; -1: all, to EOF
		proto int
		begin bool
		close bool
	}{
		{"no body", "", 0, 1, true, false},
		{"body unread", "abcd", 0, 1, true, true},
		{"body half read", "abcd", 2, 1, true, true},
		{"body read to its length", "abcd", 4, 1, true, false},
		{"body read to EOF", "abcd", -1, 1, true, false},
		{"HTTP/2, body unread", "abcd", 0, 2, true, false},
		{"without Begin, body read", "abcd", -1, 1, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			r := httptest.NewRequest("POST", "/", body)
			r.ProtoMajor = tc.proto
			var w http.ResponseWriter = httptest.NewRecorder()
			rec := w.(*httptest.ResponseRecorder)
			if tc.begin {
				w, r = Begin(w, r)
			}
			switch {
			case tc.read < 0:
				_, _ = io.ReadAll(r.Body)
			case tc.read > 0:
				_, _ = io.ReadFull(r.Body, make([]byte, tc.read))
			}
			if _, err := Write(w, r, New(InvalidRequest, "no")); err != nil {
				t.Fatal(err)
			}
			if got := rec.Header().Get("Connection") == "close"; got != tc.close {
				t.Errorf("Connection: close %v, want %v", got, tc.close)
			}
		})
	}
}
