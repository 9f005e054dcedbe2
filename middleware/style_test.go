package middleware

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
)

var mwNotFoundHandler = Handler(func(w http.ResponseWriter, r *http.Request) error {
	return errresp.New(errresp.NotFound, "no such item")
})

func TestStyleEachStyle(t *testing.T) {
	t.Parallel()
	for _, s := range errresp.Styles() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			id := mwNewID(t)
			rec := mwServe(mwChain(mwNotFoundHandler, RequestID(), Style(s)), mwRequest("GET", "/", id))
			e := mwEnvelope(t, rec, s, s.Code(errresp.NotFound).Status)
			if e.Kind != errresp.NotFound || e.Message != "no such item" || e.RequestID != id {
				t.Fatalf("decoded %+v", e)
			}
		})
	}
}

func TestStyleRouteGroups(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	r.Use(RequestID(), Recoverer(), Style(errresp.GPCN()))
	r.NotFound(NotFound)
	r.Get("/v1/items", mwNotFoundHandler.ServeHTTP)
	r.Route("/v2", func(r chi.Router) {
		r.Use(Style(errresp.Problem()))
		r.Get("/items", mwNotFoundHandler.ServeHTTP)
	})
	r.Group(func(r chi.Router) {
		r.Use(Style(errresp.Gcore()))
		r.Get("/gcore/items", mwNotFoundHandler.ServeHTTP)
	})
	cases := []struct {
		path  string
		style *errresp.Style
	}{
		{"/v1/items", errresp.GPCN()},
		{"/v2/items", errresp.Problem()},
		{"/gcore/items", errresp.Gcore()},
		{"/nowhere", errresp.GPCN()},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			rec := mwServe(r, mwRequest("GET", tc.path, ""))
			if e := mwEnvelope(t, rec, tc.style, 404); e.Kind != errresp.NotFound {
				t.Fatalf("kind %v", e.Kind)
			}
		})
	}
}

func TestStyleNegotiate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		route  *errresp.Style
		alts   []*errresp.Style
		accept []string
		want   *errresp.Style
	}{
		{"no accept", errresp.GPCN(), nil, nil, errresp.GPCN()},
		{"problem preferred", errresp.GPCN(), nil, []string{"application/problem+json"}, errresp.Problem()},
		{"problem with json fallback", errresp.GPCN(), nil, []string{"application/problem+json, application/json;q=0.5"}, errresp.Problem()},
		{"json preferred by q", errresp.GPCN(), nil, []string{"application/problem+json;q=0.4, application/json"}, errresp.GPCN()},
		{"equal q keeps route", errresp.GPCN(), nil, []string{"application/json, application/problem+json"}, errresp.GPCN()},
		{"wildcard keeps route", errresp.GPCN(), nil, []string{"*/*"}, errresp.GPCN()},
		{"application wildcard keeps route", errresp.GPCN(), nil, []string{"application/*"}, errresp.GPCN()},
		{"specific beats wildcard", errresp.GPCN(), nil, []string{"*/*;q=0.1, application/problem+json;q=0.2"}, errresp.Problem()},
		{"specific q=0 refuses", errresp.GPCN(), nil, []string{"application/problem+json;q=0, */*"}, errresp.GPCN()},
		{"wildcard q lowered for json", errresp.GPCN(), nil, []string{"application/json;q=0.1, application/*"}, errresp.Problem()},
		{"case insensitive", errresp.GPCN(), nil, []string{"Application/Problem+JSON"}, errresp.Problem()},
		{"spaces and extension", errresp.GPCN(), nil, []string{" application/problem+json ; q=0.9 ; ext=1 , application/json;q=0.8"}, errresp.Problem()},
		{"several header lines", errresp.GPCN(), nil, []string{"application/json;q=0.5", "application/problem+json"}, errresp.Problem()},
		{"malformed q ignored", errresp.GPCN(), nil, []string{"application/problem+json;q=2"}, errresp.GPCN()},
		{"malformed q digits", errresp.GPCN(), nil, []string{"application/problem+json;q=0.0001"}, errresp.GPCN()},
		{"garbage", errresp.GPCN(), nil, []string{"\xff\x00;;,,==\""}, errresp.GPCN()},
		{"text/html browser", errresp.GPCN(), nil, []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, errresp.GPCN()},
		{"route already problem", errresp.Problem(), nil, []string{"application/problem+json"}, errresp.Problem()},
		{"custom alternative", errresp.Problem(), []*errresp.Style{errresp.GPCN()}, []string{"application/json"}, errresp.GPCN()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got *errresp.Style
			h := Style(tc.route, StyleNegotiate(tc.alts...))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = errresp.StyleOf(r)
			}))
			r := mwRequest("GET", "/", "")
			for _, a := range tc.accept {
				r.Header.Add("Accept", a)
			}
			mwServe(h, r)
			if got != tc.want {
				t.Fatalf("style %s, want %s", got.Name, tc.want.Name)
			}
		})
	}
}

func TestStyleWithoutNegotiationIgnoresAccept(t *testing.T) {
	t.Parallel()
	r := mwRequest("GET", "/", "")
	r.Header.Set("Accept", "application/problem+json")
	rec := mwServe(Style(errresp.GPCN())(mwNotFoundHandler), r)
	mwEnvelope(t, rec, errresp.GPCN(), 404)
}

func TestStyleConfigPanics(t *testing.T) {
	t.Parallel()
	mwAssertPanics(t, func() { Style(nil) })
	mwAssertPanics(t, func() { StyleNegotiate(nil) })
}

func TestAcceptQValue(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		q    int
		okay bool
	}{
		{"1", 1000, true}, {"0", 0, true}, {"0.5", 500, true}, {"0.125", 125, true}, {"1.000", 1000, true},
		{"1.001", 0, false}, {"0.", 0, true}, {"", 0, false}, {"2", 0, false}, {".5", 0, false},
		{"0.1234", 0, false}, {"0,5", 0, false}, {"0.a", 0, false}, {"-0", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			q, ok := acceptQValue(tc.in)
			if ok != tc.okay || ok && q != tc.q {
				t.Fatalf("acceptQValue(%q) = %d, %v; want %d, %v", tc.in, q, ok, tc.q, tc.okay)
			}
		})
	}
}

func FuzzAccept(f *testing.F) {
	for _, s := range []string{"application/problem+json", "*/*;q=0.1", `a/b;x="a,b;q=1";q=0.5, c/d`, "application/*;q=0.", ",,;", "\"unterminated"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		q := acceptQuality([]string{accept}, "application/problem+json")
		if q < 0 || q > 1000 {
			t.Fatalf("q = %d out of range for %q", q, accept)
		}
		r := mwRequest("GET", "/", "")
		r.Header["Accept"] = []string{accept}
		rec := mwServe(Style(errresp.GPCN(), StyleNegotiate())(mwNotFoundHandler), r)
		if rec.Code != 404 {
			t.Fatalf("status %d for Accept %q", rec.Code, accept)
		}
	})
}
