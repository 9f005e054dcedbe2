package middleware

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/go-chi/chi/v5"
)

func TestHandlerErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		kind   errresp.Kind
		logged bool // a 5xx: cause logged
	}{
		{"not found", errresp.New(errresp.NotFound, "no such item"), errresp.NotFound, false},
		{"wrapped kinded", fmt.Errorf("repo: %w", errresp.New(errresp.Conflict, "taken")), errresp.Conflict, false},
		{"plain error", fmt.Errorf("query failed: %s", mwSecret), errresp.Internal, true},
		{"max bytes", &http.MaxBytesError{Limit: 10}, errresp.PayloadTooLarge, false},
		{"deadline", fmt.Errorf("db: %w", context.DeadlineExceeded), errresp.Timeout, true},
		{"canceled", context.Canceled, errresp.Canceled, false},
		{"unavailable with cause", errresp.Wrap(errresp.Unavailable, errors.New(mwSecret), "Try later."), errresp.Unavailable, true},
	}
	for _, s := range errresp.Styles() {
		for _, tc := range cases {
			t.Run(s.Name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				id := mwNewID(t)
				h := mwChain(Handler(func(w http.ResponseWriter, r *http.Request) error { return tc.err }), RequestID(), Style(s))
				rec := mwServe(h, mwRequest("POST", "/items", id))
				status := s.Code(tc.kind).Status
				e := mwEnvelope(t, rec, s, status)
				if e.Kind != tc.kind {
					t.Fatalf("kind %v, want %v", e.Kind, tc.kind)
				}
				mwAssertNotContains(t, rec.Body.String(), mwSecret, "query failed")
				l, ok := mwHasLog(id, "request failed")
				if ok != tc.logged {
					t.Fatalf("logged = %v, want %v: %+v", ok, tc.logged, mwLogsFor(id))
				}
				if ok && (l.attrs["status"] != fmt.Sprint(status) || l.attrs["error"] != mwCause(tc.err).Error() || l.attrs["kind"] != tc.kind.String()) {
					t.Fatalf("log line %+v", l.attrs)
				}
				if len(mwLogsFor(id)) > 1 {
					t.Fatalf("logged more than once: %+v", mwLogsFor(id))
				}
			})
		}
	}
}

func TestHandlerSuccessAndLateError(t *testing.T) {
	t.Parallel()
	t.Run("nil error", func(t *testing.T) {
		t.Parallel()
		rec := mwServe(Handler(func(w http.ResponseWriter, r *http.Request) error {
			w.Write([]byte("fine"))
			return nil
		}), mwRequest("GET", "/", ""))
		if rec.Code != 200 || rec.Body.String() != "fine" {
			t.Fatalf("%d %q", rec.Code, rec.Body)
		}
	})
	t.Run("client gone", func(t *testing.T) {
		t.Parallel()
		id := mwNewID(t)
		h := mwChain(Handler(func(w http.ResponseWriter, r *http.Request) error {
			return fmt.Errorf("copy: %w", syscall.EPIPE)
		}), RequestID())
		rec := mwServe(h, mwRequest("GET", "/", id))
		if rec.Body.Len() != 0 {
			t.Fatalf("answered a client that is gone: %q", rec.Body)
		}
		if l, ok := mwHasLog(id, "client went away"); !ok || l.level != slog.LevelDebug {
			t.Fatalf("want one debug line, got %+v", mwLogsFor(id))
		}
	})
	t.Run("error after write", func(t *testing.T) {
		t.Parallel()
		id := mwNewID(t)
		h := mwChain(Handler(func(w http.ResponseWriter, r *http.Request) error {
			w.Write([]byte(`{"partial":`))
			return errors.New(mwSecret)
		}), RequestID())
		rec := mwServe(h, mwRequest("GET", "/", id))
		if rec.Code != 200 || rec.Body.String() != `{"partial":` {
			t.Fatalf("late error changed the response: %d %q", rec.Code, rec.Body)
		}
		if _, ok := mwHasLog(id, "handler failed after the response started"); !ok {
			t.Fatalf("late error not logged: %+v", mwLogsFor(id))
		}
	})
	t.Run("nil func panics", func(t *testing.T) {
		t.Parallel()
		mwAssertPanics(t, func() { Handler(nil) })
		mwAssertPanics(t, func() { JSONHandler[int](nil) })
		mwAssertPanics(t, func() { OnError(nil) })
	})
}

type mwItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func TestJSONHandler(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		fn     http.Handler
		status int
		body   string
	}{
		{"value", JSONHandler(func(r *http.Request) (mwItem, error) { return mwItem{"1", "<b>"}, nil }), 200, `{"id":"1","name":"\u003cb\u003e"}` + "\n"},
		{"pointer nil", JSONHandler(func(r *http.Request) (*mwItem, error) { return nil, nil }), 200, "null\n"},
		{"slice", JSONHandler(func(r *http.Request) ([]int, error) { return []int{1, 2}, nil }), 200, "[1,2]\n"},
		{"error", JSONHandler(func(r *http.Request) (mwItem, error) { return mwItem{}, errresp.New(errresp.NotFound, "") }), 404, ""},
		{"unencodable", JSONHandler(func(r *http.Request) (chan int, error) { return make(chan int), nil }), 500, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := mwServe(Style(errresp.GPCN())(tc.fn), mwRequest("GET", "/", ""))
			if tc.status >= 400 {
				mwEnvelope(t, rec, errresp.GPCN(), tc.status)
				mwAssertNotContains(t, rec.Body.String(), "chan")
				return
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("%d %q %q", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
			}
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// mwObserved is one failure the error hook saw.
type mwObserved struct {
	kind   errresp.Kind
	status int
	path   string
}

type mwObservations struct {
	mu  sync.Mutex
	got []mwObserved
}

func (o *mwObservations) hook(r *http.Request, e *errresp.Error, status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, mwObserved{e.Kind, status, r.URL.Path})
}

func TestOnErrorSeesEveryFailure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.Handler
		mws     []func(http.Handler) http.Handler
		method  string
		body    string
		want    mwObserved
	}{
		{"returned error", mwNotFoundHandler, nil, "GET", "", mwObserved{errresp.NotFound, 404, "/x"}},
		{"panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(mwSecret) }), nil, "GET", "", mwObserved{errresp.Internal, 500, "/x"}},
		{"router miss", http.HandlerFunc(NotFound), nil, "GET", "", mwObserved{errresp.NotFound, 404, "/x"}},
		{"content type guard", mwOkHandler, []func(http.Handler) http.Handler{ContentType("application/json")}, "POST", "a=b", mwObserved{errresp.UnsupportedMediaType, 415, "/x"}},
		{"body limit guard", mwOkHandler, []func(http.Handler) http.Handler{LimitBody(1)}, "POST", "too long", mwObserved{errresp.PayloadTooLarge, 413, "/x"}},
		{"direct errresp.Write", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			errresp.Write(w, r, errresp.New(errresp.RateLimited, ""))
		}), nil, "GET", "", mwObserved{errresp.RateLimited, 429, "/x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var obs mwObservations
			mws := append([]func(http.Handler) http.Handler{RequestID(), OnError(obs.hook), Recoverer(), Style(errresp.GPCN())}, tc.mws...)
			r := mwRequest(tc.method, "/x", "")
			if tc.body != "" {
				r = mwRequest(tc.method, "/x", "")
				r.Body = io.NopCloser(strings.NewReader(tc.body))
				r.ContentLength = int64(len(tc.body))
				r.Header.Set("Content-Type", "text/plain")
			}
			mwServe(mwChain(tc.handler, mws...), r)
			if len(obs.got) != 1 || obs.got[0] != tc.want {
				t.Fatalf("hook saw %+v, want [%+v]", obs.got, tc.want)
			}
		})
	}
}

func TestOnErrorChains(t *testing.T) {
	t.Parallel()
	var outer, inner mwObservations
	h := mwChain(mwNotFoundHandler, OnError(outer.hook), OnError(inner.hook))
	mwServe(h, mwRequest("GET", "/y", ""))
	if len(outer.got) != 1 || len(inner.got) != 1 {
		t.Fatalf("outer saw %v, inner saw %v; want one each", outer.got, inner.got)
	}
	mwServe(h, mwRequest("GET", "/y", ""))
	if len(outer.got) != 2 || len(inner.got) != 2 {
		t.Fatalf("second request: outer saw %v, inner saw %v", outer.got, inner.got)
	}
}

// mwCause is what the log line of a 5xx names as its cause: the internal
// cause of the *Error err becomes, or err itself when it has none.
func mwCause(err error) error {
	if e := errresp.From(err); e.Err != nil {
		return e.Err
	}
	return err
}

// TestHandlerFuncs mounts Handler and JSONHandler where a router takes a
// handler function: chi's r.Get and http.ServeMux's HandleFunc.
func TestHandlerFuncs(t *testing.T) {
	t.Parallel()
	fail := Handler(func(http.ResponseWriter, *http.Request) error {
		return errresp.New(errresp.NotFound, "no such item")
	})
	item := JSONHandler(func(*http.Request) (mwItem, error) { return mwItem{"1", "a"}, nil })
	r := chi.NewRouter()
	r.Get("/fail", fail)
	r.Get("/item", item)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fail", fail)
	mux.HandleFunc("GET /item", item)
	for name, h := range map[string]http.Handler{"chi": r, "servemux": mux} {
		if rec := mwServe(h, mwRequest("GET", "/fail", "")); rec.Code != 404 || !strings.Contains(rec.Body.String(), "no such item") {
			t.Errorf("%s: GET /fail = %d %q, want 404 with the message", name, rec.Code, rec.Body)
		}
		if rec := mwServe(h, mwRequest("GET", "/item", "")); rec.Code != 200 || rec.Body.String() != `{"id":"1","name":"a"}`+"\n" {
			t.Errorf("%s: GET /item = %d %q", name, rec.Code, rec.Body)
		}
	}
}
