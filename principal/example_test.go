package principal_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/apierror/apierror/principal"
)

// A handler reads the caller that the authentication in front of it
// admitted; a test, or a service that authenticates by its own means, puts
// one in with RequestWith.
func ExampleFromContext() {
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := principal.FromContext(r.Context())
		if p == nil {
			fmt.Fprintln(w, "anonymous")
			return
		}
		fmt.Fprintln(w, p.ID, "of", p.Tenant, "may delete:", p.Has("vms:delete"))
	})

	r := httptest.NewRequest("GET", "/whoami", nil)
	rec := httptest.NewRecorder()
	whoami.ServeHTTP(rec, r)
	fmt.Print(rec.Body)

	r = principal.RequestWith(r, &principal.Principal{ID: "u1", Tenant: "acme", Permissions: []string{"vms:read"}})
	rec = httptest.NewRecorder()
	whoami.ServeHTTP(rec, r)
	fmt.Print(rec.Body)
	// Output:
	// anonymous
	// u1 of acme may delete: false
}
