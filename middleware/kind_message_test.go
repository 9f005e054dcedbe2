package middleware

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
)

// One message per kind, whatever produced the failure: a panic, a returned
// or written error, an intercepted http.Error or bare WriteHeader, and the
// library's own Timeout say the same thing in a given style, unless the
// service gave a message of its own.
func TestOneMessagePerKind(t *testing.T) {
	t.Parallel()
	producers := map[errresp.Kind]map[string]http.Handler{
		errresp.Internal: {
			"panic":         http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("db down") }),
			"returned":      Handler(func(http.ResponseWriter, *http.Request) error { return errors.New("db down") }),
			"written":       http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { errresp.Write(w, r, errors.New("db down")) }),
			"no message":    http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { errresp.Write(w, r, errresp.New(errresp.Internal, "")) }),
			"http.Error":    http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "db down", 500) }),
			"WriteHeader":   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }),
			"RecovererMap":  http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(errors.New("db down")) }),
			"unkinded Wrap": Handler(func(http.ResponseWriter, *http.Request) error { return &errresp.Error{Err: errors.New("db down")} }),
		},
		errresp.Timeout: {
			"deadline returned": Handler(func(http.ResponseWriter, *http.Request) error { return context.DeadlineExceeded }),
			"http.Error 504":    http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "upstream slow", 504) }),
			"Timeout": Timeout(time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			})),
		},
	}
	for _, s := range errresp.Styles() {
		for kind, hs := range producers {
			want := ""
			for name, h := range hs {
				stack := mwChain(h, RequestID(), Recoverer(), Style(s))
				if name == "RecovererMap" {
					stack = mwChain(h, RequestID(), Recoverer(RecovererMap(func(*http.Request, any) *errresp.Error { return nil })), Style(s))
				}
				rec := mwServe(stack, mwRequest("GET", "/", mwNewID(t)))
				e := mwEnvelope(t, rec, s, s.Code(kind).Status)
				if e.Kind != kind || e.Message == "" {
					t.Fatalf("%s %s: kind %v message %q", s.Name, name, e.Kind, e.Message)
				}
				if want == "" {
					want = e.Message
				} else if e.Message != want {
					t.Errorf("%s %v: %s says %q, another producer %q", s.Name, kind, name, e.Message, want)
				}
			}
		}
		// The service's own message still wins.
		rec := mwServe(mwChain(Handler(func(http.ResponseWriter, *http.Request) error {
			return errresp.Wrap(errresp.Internal, errors.New("db down"), "The VM store is down.")
		}), RequestID(), Style(s)), mwRequest("GET", "/", mwNewID(t)))
		if e := mwEnvelope(t, rec, s, s.Code(errresp.Internal).Status); e.Message != "The VM store is down." {
			t.Errorf("%s: the service's message lost: %q", s.Name, e.Message)
		}
	}
}
