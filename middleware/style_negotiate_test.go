package middleware

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/apierror/apierror/errresp"
)

// TestStyleNegotiationCarriesIntoGroups: StyleNegotiate on the router holds
// in every group that changes the style, whichever the router's and the
// group's styles are, unless the group turns it off.
func TestStyleNegotiationCarriesIntoGroups(t *testing.T) {
	t.Parallel()
	builtin := []*errresp.Style{errresp.Problem(), errresp.GPCN(), errresp.DevDocs(), errresp.Gcore(), errresp.AuthPI()}
	for _, outer := range builtin {
		r := chi.NewRouter()
		r.Use(RequestID(), Recoverer(), Style(outer, StyleNegotiate()))
		r.Get("/items", mwNotFoundHandler.ServeHTTP)
		for _, g := range builtin {
			r.Route("/on/"+g.Name, func(r chi.Router) {
				r.Use(Style(g))
				r.Get("/items", mwNotFoundHandler.ServeHTTP)
			})
			r.Route("/off/"+g.Name, func(r chi.Router) {
				r.Use(Style(g, StyleNoNegotiate()))
				r.Get("/items", mwNotFoundHandler.ServeHTTP)
				// A group below one that turned negotiation off keeps it off.
				r.Route("/deeper", func(r chi.Router) {
					r.Use(Style(g))
					r.Get("/items", mwNotFoundHandler.ServeHTTP)
				})
			})
		}
		for _, g := range builtin {
			cases := []struct {
				path, accept string
				want         *errresp.Style
			}{
				{"/items", "application/problem+json", errresp.Problem()},
				{"/items", "", outer},
				{"/on/" + g.Name + "/items", "application/problem+json", errresp.Problem()},
				{"/on/" + g.Name + "/items", "application/json", g},
				{"/on/" + g.Name + "/items", "", g},
				{"/off/" + g.Name + "/items", "application/problem+json", g},
				{"/off/" + g.Name + "/deeper/items", "application/problem+json", g},
			}
			for _, tc := range cases {
				t.Run(outer.Name+tc.path+"/"+tc.accept, func(t *testing.T) {
					req := mwRequest("GET", tc.path, "")
					if tc.accept != "" {
						req.Header.Set("Accept", tc.accept)
					}
					rec := mwServe(r, req)
					if e := mwEnvelope(t, rec, tc.want, 404); e.Kind != errresp.NotFound {
						t.Fatalf("kind %v", e.Kind)
					}
				})
			}
		}
	}
}

// TestStyleNegotiationOwnSettingWins: a group's own StyleNegotiate replaces
// the router's alternatives.
func TestStyleNegotiationOwnSettingWins(t *testing.T) {
	t.Parallel()
	vnd := &errresp.Style{Name: "vnd-test", ContentType: "application/vnd.test+json", Encode: errresp.GPCN().Encode}
	r := chi.NewRouter()
	r.Use(RequestID(), Style(errresp.GPCN(), StyleNegotiate()))
	r.Route("/v1", func(r chi.Router) {
		r.Use(Style(errresp.Gcore(), StyleNegotiate(vnd)))
		r.Get("/items", mwNotFoundHandler.ServeHTTP)
	})
	for accept, want := range map[string]string{
		"application/problem+json":  "application/json",
		"application/vnd.test+json": "application/vnd.test+json",
	} {
		req := mwRequest("GET", "/v1/items", "")
		req.Header.Set("Accept", accept)
		rec := mwServe(r, req)
		if got := rec.Header().Get("Content-Type"); got != want || rec.Code != http.StatusNotFound {
			t.Errorf("Accept %s: %d %s, want %s", accept, rec.Code, got, want)
		}
	}
}
