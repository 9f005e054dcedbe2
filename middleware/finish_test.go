package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
)

// The errresp package doc's first handler, done exactly so: a 5xx written by
// errresp.Write in a plain handler has its cause logged once, with the
// request id, by the middleware in front; the client sees none of it.
func TestDirectWriteOf5xxIsLoggedOnce(t *testing.T) {
	t.Parallel()
	const cause = "db: connection refused to 10.0.0.5:5432"
	getVM := func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/missing") {
			errresp.Write(w, r, errresp.New(errresp.NotFound, "No virtual machine has that id."))
			return
		}
		errresp.Write(w, r, fmt.Errorf("%s", cause)) // written as Internal; err is never shown
	}
	stacks := map[string]func() http.Handler{
		"chi RequestID Recoverer Style": func() http.Handler {
			r := chi.NewRouter()
			r.Use(RequestID(), Recoverer(), Style(errresp.GPCN()))
			r.Get("/vms/{id}", getVM)
			return r
		},
		"ServeMux under RequestID alone": func() http.Handler {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /vms/{id}", getVM)
			return RequestID()(mux)
		},
		"Handler adapter": func() http.Handler {
			return RequestID()(Handler(func(w http.ResponseWriter, r *http.Request) error {
				getVM(w, r)
				return nil
			}))
		},
	}
	for name, mk := range stacks {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := mk()
			id := mwNewID(t)
			rec := mwServe(h, mwRequest("GET", "/vms/vm-1", id))
			if rec.Code != 500 || strings.Contains(rec.Body.String(), "10.0.0.5") {
				t.Fatalf("response %d %s", rec.Code, rec.Body)
			}
			logs := mwLogsFor(id)
			if len(logs) != 1 || logs[0].msg != "request failed" || logs[0].attrs["error"] != cause ||
				logs[0].attrs["status"] != "500" || logs[0].attrs["kind"] != "internal" {
				t.Fatalf("log lines %+v, want one with the cause", logs)
			}
			id = mwNewID(t)
			if rec := mwServe(h, mwRequest("GET", "/vms/missing", id)); rec.Code != 404 || len(mwLogsFor(id)) != 0 {
				t.Fatalf("a 404: %d, logged %+v", rec.Code, mwLogsFor(id))
			}
		})
	}
}

// Without any middleware in front nothing records the failure: the cause
// stays with the caller (errresp.Write's documentation says so), and the
// client still gets an envelope without it.
func TestDirectWriteWithoutMiddlewareLogsNothing(t *testing.T) {
	t.Parallel()
	id := mwNewID(t)
	r := mwRequest("GET", "/", id)
	rec := mwServe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errresp.Write(w, r, errors.New("db: secret"))
	}), r)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || len(mwLogsFor(id)) != 0 {
		t.Fatalf("%d %s %+v", rec.Code, rec.Body, mwLogsFor(id))
	}
}

// A 5xx is logged once however many layers of the library are stacked (a
// Timeout's fork among them), and
// a recovered panic's line is its only line.
func TestFiveHundredsLoggedOnceThroughLayers(t *testing.T) {
	t.Parallel()
	cases := map[string]http.Handler{
		"returned": Handler(func(http.ResponseWriter, *http.Request) error { return errors.New("boom cause") }),
		"written": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			errresp.Write(w, r, errors.New("boom cause"))
		}),
		"intercepted": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom cause", 500) }),
		"panic":       http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom cause") }),
	}
	for name, inner := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := mwChain(inner, RequestID(), OnError(func(*http.Request, *errresp.Error, int) {}), Recoverer(), Style(errresp.Gcore()), Timeout(time.Minute), Intercept(true))
			id := mwNewID(t)
			if rec := mwServe(h, mwRequest("GET", "/", id)); rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			logs := mwLogsFor(id)
			if len(logs) != 1 {
				t.Fatalf("%d lines: %+v", len(logs), logs)
			}
			if all := fmt.Sprint(logs[0].attrs); !strings.Contains(all, "boom cause") {
				t.Fatalf("the line lacks the cause: %+v", logs[0])
			}
		})
	}
}

// A failure that comes after the response started cannot be answered; it is
// still logged once, with its cause and the status the client got, whether
// the handler returned it or called errresp.Write itself.
func TestLateFailureLoggedOnce(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.Handler{
		"returned": Handler(func(w http.ResponseWriter, r *http.Request) error {
			_, _ = w.Write([]byte(`{"partial":`))
			return errors.New("db: connection reset")
		}),
		"written": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"partial":`))
			if _, err := errresp.Write(w, r, errors.New("db: connection reset")); !errors.Is(err, errresp.ErrResponseStarted) {
				t.Errorf("Write after the start: %v", err)
			}
		}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			id := mwNewID(t)
			rec := mwServe(mwChain(h, RequestID(), Recoverer(), Style(errresp.GPCN())), mwRequest("GET", "/", id))
			if rec.Code != 200 || rec.Body.String() != `{"partial":` {
				t.Fatalf("the late failure changed the response: %d %q", rec.Code, rec.Body)
			}
			logs := mwLogsFor(id)
			if len(logs) != 1 || logs[0].msg != "handler failed after the response started; no envelope written" ||
				logs[0].attrs["error"] != "db: connection reset" || logs[0].attrs["status"] != "200" || logs[0].attrs["kind"] != "internal" {
				t.Fatalf("log lines %+v", logs)
			}
		})
	}
}
