package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ratelimit"
)

// TestEndToEnd walks every route of the example in every style. Each
// scenario runs in a process of its own, so that the rate limits it exhausts
// on purpose are fresh and nothing waits for a limit to refill.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(t *testing.T, s *server)
	}{
		{"documents", walkDocuments},
		{"routing", walkRouting},
		{"authentication", walkAuthentication},
		{"sign-in", walkSignIn},
		{"machines", walkMachines},
		{"body rules", walkBodyRules},
		{"fields and quota", walkFieldsAndQuota},
		{"guards", walkGuards},
		{"limits", walkLimits},
		{"legacy", walkLegacy},
		{"hardening", walkHardening},
		{"guessing", walkGuessing},
		{"stale tab", walkStaleTab},
		{"code guessing", walkCodeGuessing},
	}
	for _, style := range errresp.Styles() {
		for _, sc := range scenarios {
			t.Run(style.Name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				sc.run(t, startServer(t, "-style", style.Name))
			})
		}
	}
}

// The banner names the address, the style, every demo credential and three
// curl lines, each of which answers as the banner's reader expects; the
// example stops cleanly on SIGINT (Ctrl-C) as on SIGTERM.
func TestBanner(t *testing.T) {
	t.Parallel()
	s := startServerStoppedBy(t, os.Interrupt, "-style", "authpi")
	banner := s.out.String()
	for _, want := range []string{"listening on " + s.base + "\n", "style: authpi", "rate-limit store: memory",
		keyAdmin, keyReader, keyExpired, keyRevoked, demoEmail, demoPassword, demoOTP} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner does not say %q:\n%s", want, banner)
		}
	}
	var curls []string
	for _, l := range strings.Split(banner, "\n") {
		if c, ok := strings.CutPrefix(l, "  curl "); ok {
			curls = append(curls, c)
		}
	}
	kinds := []errresp.Kind{errresp.NotAuthenticated, errresp.PermissionDenied, errresp.InvalidRequest}
	if len(curls) != len(kinds) {
		t.Fatalf("%d curl lines in the banner, want %d", len(curls), len(kinds))
	}
	for i, c := range curls {
		words, _ := shellWords(t, "curl "+c)
		args := slices.DeleteFunc(words[1:], func(w string) bool { return w == "-i" })
		args[len(args)-1] = strings.TrimPrefix(args[len(args)-1], "http://")
		status, body := runCurl(t, args, map[string]*server{strings.TrimPrefix(s.base, "http://"): s}, nil)
		code := atoi(t, status)
		if got := errresp.DecodeBody(code, s.style.ContentType, body).Kind; code != s.style.Code(kinds[i]).Status || got != kinds[i] {
			t.Errorf("curl %s: %d %s, want %s; body %s", c, code, got, kinds[i], body)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// GET /healthz, /errors and /openapi.json.
func walkDocuments(t *testing.T, s *server) {
	resp, body := s.do(t, "GET", "/healthz", "")
	s.ok(t, resp, body, 200, nil)
	if resp.Header.Get("X-RateLimit-Limit") != "" {
		t.Errorf("/healthz is not rate limited, yet sent X-RateLimit-Limit")
	}

	resp, body = s.do(t, "GET", "/errors", "")
	s.ok(t, resp, body, 200, nil)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
		t.Errorf("/errors Content-Type %q, want Markdown", ct)
	}
	if string(body) != string(s.style.ReferenceMarkdown()) {
		t.Errorf("/errors is not the style's reference page")
	}
	resp, body = s.do(t, "GET", "/errors", "", "Accept", "application/json")
	s.ok(t, resp, body, 200, nil)
	var ref struct {
		Style  string          `json:"style"`
		Errors []errresp.Entry `json:"errors"`
	}
	if err := json.Unmarshal(body, &ref); err != nil || ref.Style != s.style.Name {
		t.Fatalf("/errors as JSON: %v, style %q\n%s", err, ref.Style, body)
	}
	if !reflect.DeepEqual(ref.Errors, s.style.Reference()) {
		t.Errorf("/errors as JSON is not the style's reference")
	}

	resp, body = s.do(t, "GET", "/openapi.json", "")
	var doc struct {
		OpenAPI    string                                                   `json:"openapi"`
		Paths      map[string]map[string]struct{ Responses map[string]any } `json:"paths"`
		Components struct{ Schemas map[string]any }                         `json:"components"`
	}
	s.ok(t, resp, body, 200, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	var schema any
	b, _ := json.Marshal(s.style.Schema())
	_ = json.Unmarshal(b, &schema)
	if !reflect.DeepEqual(doc.Components.Schemas["Error"], schema) {
		t.Errorf("components.schemas.Error is not the style's Schema()")
	}
	svc := newService(s.style, ratelimit.NewMemoryStore())
	for _, rt := range svc.table() {
		op, ok := doc.Paths[rt.pattern][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s %s is not in the document", rt.method, rt.pattern)
			continue
		}
		for _, k := range append(slices.Clone(rt.fails), groupKinds[rt.group]...) {
			c := s.style.Code(k)
			r, _ := op.Responses[strconv.Itoa(c.Status)].(map[string]any)
			desc, _ := r["description"].(string)
			if !strings.Contains(desc, c.Code) || !strings.Contains(fmt.Sprint(r["content"]), "#/components/schemas/Error") {
				t.Errorf("%s %s: response %d does not name %s with the Error schema: %v", rt.method, rt.pattern, c.Status, c.Code, r)
			}
		}
	}
	limited, _ := doc.Paths["/v1/limited"]["get"].Responses["429"].(map[string]any)
	if h := fmt.Sprint(limited["headers"]); !strings.Contains(h, "Retry-After") || !strings.Contains(h, "X-RateLimit-Reset") {
		t.Errorf("the 429 response does not name its headers: %v", limited)
	}
	if op := doc.Paths["/v1/vms"]["post"]; op.Responses["409"] == nil || op.Responses["201"] == nil {
		t.Errorf("POST /v1/vms lacks 201 or 409: %v", op.Responses)
	}
}

// Unknown paths, wrong methods, content negotiation.
func walkRouting(t *testing.T, s *server) {
	for _, c := range []struct{ name, method, path, allow string }{
		{"unknown path", "GET", "/nowhere", ""},
		{"unknown path under v1", "GET", "/v1/nowhere", ""},
		{"wrong method on the collection", "PATCH", "/v1/vms", "GET, POST"},
		{"wrong method on an item", "POST", "/v1/vms/" + sampleID, "DELETE, GET, PUT"},
		{"wrong method on healthz", "DELETE", "/healthz", "GET"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := s.do(t, c.method, c.path, "", asAdmin...)
			if c.allow == "" {
				s.fail(t, resp, body, errresp.NotFound)
				return
			}
			s.fail(t, resp, body, errresp.MethodNotAllowed)
			allow := strings.Split(resp.Header.Get("Allow"), ", ")
			slices.Sort(allow)
			if got := strings.Join(allow, ", "); got != c.allow {
				t.Errorf("Allow %q, want %q", got, c.allow)
			}
		})
	}
	t.Run("a client asks for problem details", func(t *testing.T) {
		resp, body := s.do(t, "GET", "/nowhere", "", "Accept", "application/problem+json")
		failIn(t, s.problem, resp, body, errresp.NotFound)
		// Its type leads to the entry of its code on the reference page.
		var p struct{ Type string }
		_ = json.Unmarshal(body, &p)
		page, anchor, _ := strings.Cut(p.Type, "#")
		if page != s.reference || anchor != "not_found" {
			t.Fatalf("type %q, want %s#not_found", p.Type, s.reference)
		}
		resp, body = s.do(t, "GET", strings.TrimPrefix(page, s.base), "", "Accept", "text/html")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(body), `<article class="entry" id="not_found">`) {
			t.Errorf("the type's page: %d %q, no entry for not_found", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
	t.Run("an incoming request id is kept", func(t *testing.T) {
		resp, body := s.do(t, "GET", "/nowhere", "", "X-Request-ID", "trace-42")
		if e := s.fail(t, resp, body, errresp.NotFound); e.RequestID != "trace-42" {
			t.Errorf("request id %q, want trace-42", e.RequestID)
		}
	})
}

// Every credential failure on a /v1 route, and every accepted form.
func walkAuthentication(t *testing.T, s *server) {
	for _, c := range []struct {
		name   string
		header []string
		kind   errresp.Kind // Unknown: accepted
	}{
		{"no credential", nil, errresp.NotAuthenticated},
		{"basic scheme", []string{"Authorization", "Basic ZGVtbzpkZW1v"}, errresp.WrongAuthScheme},
		{"expired key", []string{"X-API-Key", keyExpired}, errresp.CredentialExpired},
		{"revoked key", []string{"Authorization", "Bearer " + keyRevoked}, errresp.CredentialInvalid},
		{"unknown key", []string{"Authorization", "APIKey demo_nobody_7f3a9c1e5b2d40688acd"}, errresp.CredentialInvalid},
		{"key too long", []string{"X-API-Key", strings.Repeat("k", 5000)}, errresp.CredentialMalformed},
		{"expired session", []string{"Cookie", "session=" + expiredSession}, errresp.SessionExpired},
		{"admin key in X-API-Key", asAdmin, errresp.Unknown},
		{"admin key as Bearer", []string{"Authorization", "Bearer " + keyAdmin}, errresp.Unknown},
		{"reader key as APIKey", []string{"Authorization", "APIKey " + keyReader}, errresp.Unknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := s.do(t, "GET", "/v1/vms", "", c.header...)
			if c.kind == errresp.Unknown {
				var list struct{ VMs []vm }
				s.ok(t, resp, body, 200, &list)
				if resp.Header.Get("X-RateLimit-Limit") != "100" || resp.Header.Get("X-RateLimit-Remaining") == "" ||
					resp.Header.Get("X-RateLimit-Reset") == "" {
					t.Errorf("rate-limit headers missing: %v", resp.Header)
				}
				return
			}
			s.fail(t, resp, body, c.kind)
			if resp.StatusCode == http.StatusUnauthorized && len(resp.Header.Values("WWW-Authenticate")) == 0 {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
	// A key cut short at a "$" by the shell fails the keys' shape: the
	// malformed-credential code in every style, and in Gcore the page's
	// "Bad permanent token: {partial_key}". An unknown key of the right
	// shape gets the page's "Token is invalid or expired" there.
	t.Run("key cut short", func(t *testing.T) {
		resp, body := s.do(t, "GET", "/v1/vms", "", "X-API-Key", keyAdmin[:9])
		e := s.fail(t, resp, body, errresp.CredentialMalformed)
		if s.style == errresp.Gcore() && e.Message != "Bad permanent token: dem..." {
			t.Errorf("gcore message %q", e.Message)
		}
		resp, body = s.do(t, "GET", "/v1/vms", "", "X-API-Key", "demo_nobody_7f3a9c1e5b2d40688acd")
		e = s.fail(t, resp, body, errresp.CredentialInvalid)
		if s.style == errresp.Gcore() && e.Message != "Token is invalid or expired" {
			t.Errorf("gcore message %q", e.Message)
		}
	})
	t.Run("a reader may not delete", func(t *testing.T) {
		resp, body := s.do(t, "DELETE", "/v1/vms/"+sampleID, "", asReader...)
		if e := s.fail(t, resp, body, errresp.PermissionDenied); e.Info["permission"] != permWrite {
			t.Errorf("info %v does not name %s", e.Info, permWrite)
		}
	})
	t.Run("a reader may not create", func(t *testing.T) {
		resp, body := s.do(t, "POST", "/v1/vms", validVM("by-reader"), asReader...)
		s.fail(t, resp, body, errresp.PermissionDenied)
	})
}

// The email, password and one-time code flow.
func walkSignIn(t *testing.T, s *server) {
	signIn := func(email, password string) (*http.Response, []byte) {
		return s.do(t, "POST", "/auth/sign-in/email", fmt.Sprintf(`{"email":%q,"password":%q}`, email, password))
	}
	resp, unknown := signIn("nobody@example.com", demoPassword)
	e1 := s.fail(t, resp, unknown, errresp.InvalidCredentials)
	if resp.Header.Get("X-RateLimit-Limit") != "10" {
		t.Errorf("sign-in X-RateLimit-Limit %q, want 10", resp.Header.Get("X-RateLimit-Limit"))
	}
	resp, wrong := signIn(demoEmail, "wrong")
	e2 := s.fail(t, resp, wrong, errresp.InvalidCredentials)
	if e1.Message != e2.Message {
		t.Errorf("an unknown email and a wrong password are told apart: %q, %q", e1.Message, e2.Message)
	}

	resp, body := s.do(t, "POST", "/v1/vms", "")
	s.fail(t, resp, body, errresp.NotAuthenticated)
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`)
	s.fail(t, resp, body, errresp.NotAuthenticated) // no pending cookie yet

	resp, body = signIn(demoEmail, demoPassword)
	if e := s.fail(t, resp, body, errresp.TwoFactorRequired); e.Info["totpConfigured"] != true {
		t.Errorf("info %v lacks totpConfigured: true", e.Info)
	}
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"000000"}`)
	s.fail(t, resp, body, errresp.InvalidOTP)
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`)
	s.ok(t, resp, body, 200, nil)
	if !slices.ContainsFunc(resp.Cookies(), func(c *http.Cookie) bool { return c.Name == "session" && c.Value != "" }) {
		t.Fatalf("no session cookie set: %v", resp.Header.Values("Set-Cookie"))
	}
	resp, body = s.do(t, "GET", "/v1/vms", "")
	s.ok(t, resp, body, 200, nil)
}

// Create, read, conditional update and delete.
func walkMachines(t *testing.T, s *server) {
	resp, body := s.do(t, "POST", "/v1/vms", validVM("web-1"), asAdmin...)
	var created vm
	s.ok(t, resp, body, 201, &created)
	path := "/v1/vms/" + created.ID
	if resp.Header.Get("Location") != path || resp.Header.Get("ETag") != `"v1"` {
		t.Errorf("Location %q, ETag %q", resp.Header.Get("Location"), resp.Header.Get("ETag"))
	}

	resp, body = s.do(t, "GET", path, "", asReader...)
	s.ok(t, resp, body, 200, nil)
	etag := resp.Header.Get("ETag")
	if etag != `"v1"` {
		t.Errorf("ETag %q", etag)
	}

	resp, body = s.do(t, "GET", "/v1/vms/not-a-uuid", "", asReader...)
	e := s.fail(t, resp, body, errresp.InvalidRequest)
	if len(e.Fields) != 1 || e.Fields[0].Field != "id" {
		t.Errorf("fields %+v, want id", e.Fields)
	}
	resp, body = s.do(t, "GET", "/v1/vms/"+sampleID, "", asReader...)
	s.fail(t, resp, body, errresp.NotFound)

	resp, body = s.do(t, "PUT", path, validVM("web-2"), asAdmin...)
	s.fail(t, resp, body, errresp.PreconditionRequired)
	resp, body = s.do(t, "PUT", path, validVM("web-2"), append(asAdmin, "If-Match", `"v0"`)...)
	s.fail(t, resp, body, errresp.PreconditionFailed)
	resp, body = s.do(t, "PUT", "/v1/vms/"+sampleID, validVM("web-2"), append(asAdmin, "If-Match", `"v1"`)...)
	s.fail(t, resp, body, errresp.NotFound)
	resp, body = s.do(t, "PUT", path, validVM("web-2"), append(asAdmin, "If-Match", etag)...)
	s.ok(t, resp, body, 200, nil)
	if resp.Header.Get("ETag") != `"v2"` {
		t.Errorf("ETag after the update %q, want \"v2\"", resp.Header.Get("ETag"))
	}
	resp, body = s.do(t, "PUT", path, `{"name":"web-2"}`, append(asAdmin, "If-Match", `"v2"`)...)
	s.fail(t, resp, body, errresp.InvalidRequest)

	// A body over 64 KiB without a Content-Length is cut off where it passes
	// the limit.
	big := io.MultiReader(strings.NewReader(`{"name":"`), strings.NewReader(strings.Repeat("a", 64<<10)), strings.NewReader(`"}`))
	req, _ := http.NewRequest("PUT", s.base+path, io.NopCloser(big))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", `"v2"`)
	req.Header.Set("X-API-Key", keyAdmin)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if req.ContentLength != -1 && req.ContentLength != 0 {
		t.Fatalf("the request was sent with a Content-Length")
	}
	s.fail(t, resp, body, errresp.PayloadTooLarge)

	resp, body = s.do(t, "DELETE", path, "", asReader...)
	s.fail(t, resp, body, errresp.PermissionDenied)
	resp, body = s.do(t, "DELETE", path, "", asAdmin...)
	s.ok(t, resp, body, 204, nil)
	resp, body = s.do(t, "GET", path, "", asAdmin...)
	s.fail(t, resp, body, errresp.NotFound)
	resp, body = s.do(t, "DELETE", path, "", asAdmin...)
	s.fail(t, resp, body, errresp.NotFound)
}

// The strict body rules on POST /v1/vms; the sixth POST in the minute is
// refused by the route's own limit.
func walkBodyRules(t *testing.T, s *server) {
	for _, c := range []struct {
		name, contentType, body string
		kind                    errresp.Kind
	}{
		{"not JSON", "text/plain", "name=web-1", errresp.UnsupportedMediaType},
		{"over 64 KiB", "application/json", `{"name":"` + strings.Repeat("a", 64<<10) + `"}`, errresp.PayloadTooLarge},
		{"unknown field", "application/json", `{"name":"web-1","size":1,"region":"eu-west","image_id":"` + sampleID + `","colour":"red"}`, errresp.InvalidRequest},
		{"wrong type", "application/json", `{"name":"web-1","size":"1","region":"eu-west","image_id":"` + sampleID + `"}`, errresp.InvalidRequest},
		{"trailing data", "application/json", validVM("web-1") + `{}`, errresp.InvalidRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := s.do(t, "POST", "/v1/vms", c.body, append(asAdmin, "Content-Type", c.contentType)...)
			s.fail(t, resp, body, c.kind)
			if resp.Header.Get("X-RateLimit-Limit") != "5" {
				t.Errorf("X-RateLimit-Limit %q, want 5", resp.Header.Get("X-RateLimit-Limit"))
			}
		})
	}
	resp, body := s.do(t, "POST", "/v1/vms", validVM("web-1"), asAdmin...)
	checkRateLimited(t, s, resp, body, 5)
}

// Per-field validation (as the signed-in demo user), then the admin key's
// three machines, a duplicate name and the quota.
func walkFieldsAndQuota(t *testing.T, s *server) {
	signInDemo(t, s)
	resp, body := s.do(t, "POST", "/v1/vms", `{"name":"Web_1","size":65,"region":"mars","image_id":"nope"}`)
	e := s.fail(t, resp, body, errresp.InvalidRequest)
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	if strings.Join(names, ",") != "name,size,region,image_id" {
		t.Errorf("fields %v, want every field", names)
	}
	resp, body = s.do(t, "POST", "/v1/vms", `{}`)
	if e := s.fail(t, resp, body, errresp.InvalidRequest); len(e.Fields) != 4 || e.Fields[0].Rule != "required" {
		t.Errorf("fields %+v, want four required", e.Fields)
	}

	for i, name := range []string{"web-1", "web-2", "web-3"} {
		resp, body = s.do(t, "POST", "/v1/vms", validVM(name), asAdmin...)
		s.ok(t, resp, body, 201, nil)
		if want := strconv.Itoa(4 - i); resp.Header.Get("X-RateLimit-Remaining") != want {
			t.Errorf("X-RateLimit-Remaining %q, want %s", resp.Header.Get("X-RateLimit-Remaining"), want)
		}
	}
	resp, body = s.do(t, "POST", "/v1/vms", validVM("web-1"), asAdmin...)
	if e := s.fail(t, resp, body, errresp.Conflict); !strings.Contains(e.Message, "web-1") {
		t.Errorf("conflict message %q does not name the machine", e.Message)
	}
	resp, body = s.do(t, "POST", "/v1/vms", validVM("web-4"), asAdmin...)
	e = s.fail(t, resp, body, errresp.QuotaExceeded)
	for k, want := range map[string]float64{"usage": 3, "requested": 1, "limit": 3} {
		if got, _ := e.Info[k].(float64); got != want {
			t.Errorf("info[%s] = %v, want %v (info %v)", k, e.Info[k], want, e.Info)
		}
	}
	resp, body = s.do(t, "POST", "/v1/vms", validVM("web-5"), asAdmin...)
	checkRateLimited(t, s, resp, body, 5)
}

// The panic, the timeout and the query parameter of /v1/slow.
func walkGuards(t *testing.T, s *server) {
	resp, body := s.do(t, "GET", "/v1/panic", "", asReader...)
	s.fail(t, resp, body, errresp.Internal)
	if strings.Contains(string(body), "db-7") || strings.Contains(string(body), "nil pointer") {
		t.Errorf("the panic value reached the client: %s", body)
	}
	resp, body = s.do(t, "GET", "/v1/slow?ms=5", "", asReader...)
	s.ok(t, resp, body, 200, nil)
	resp, body = s.do(t, "GET", "/v1/slow?ms=soon", "", asReader...)
	if e := s.fail(t, resp, body, errresp.InvalidRequest); len(e.Fields) != 1 || e.Fields[0].Field != "ms" {
		t.Errorf("fields %+v, want ms", e.Fields)
	}
	resp, body = s.do(t, "GET", "/v1/slow?ms=1500", "", asReader...)
	s.fail(t, resp, body, errresp.Timeout)
}

// The 3-a-minute route, the 100-a-minute /v1 group and the 10-a-minute
// sign-in, each exhausted.
func walkLimits(t *testing.T, s *server) {
	for i := range 3 {
		resp, body := s.do(t, "GET", "/v1/limited", "", asAdmin...)
		s.ok(t, resp, body, 200, nil)
		if got, want := resp.Header.Get("X-RateLimit-Remaining"), strconv.Itoa(2-i); got != want || resp.Header.Get("X-RateLimit-Limit") != "3" {
			t.Errorf("request %d: X-RateLimit-Limit %q, Remaining %q, want 3, %s", i+1, resp.Header.Get("X-RateLimit-Limit"), got, want)
		}
	}
	resp, body := s.do(t, "GET", "/v1/limited", "", asAdmin...)
	checkRateLimited(t, s, resp, body, 3)

	// The reader's /v1 budget: 100 a minute, whatever the route. A token
	// comes back every 600 ms, so on a slow machine a few more than 100 pass
	// before the first refusal: as many as the time taken gave back, no more.
	start := time.Now()
	for i := range 100 {
		resp, body = s.do(t, "GET", "/v1/vms", "", asReader...)
		if resp.StatusCode != 200 {
			t.Fatalf("request %d of 100: %d %s", i+1, resp.StatusCode, body)
		}
	}
	extra := 0
	for {
		resp, body = s.do(t, "GET", "/v1/vms/"+sampleID, "", asReader...)
		if resp.StatusCode != 404 || extra > 100 {
			break
		}
		extra++ // a token that came back while the 100 were sent
	}
	if given := int(time.Since(start)/(600*time.Millisecond)) + 1; extra > given {
		t.Errorf("%d requests passed past the budget of 100, more than the %d tokens %v gave back", extra, given, time.Since(start))
	}
	checkRateLimited(t, s, resp, body, 100)

	for range 10 {
		resp, body = s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"guess"}`)
		s.fail(t, resp, body, errresp.InvalidCredentials)
	}
	resp, body = s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	checkRateLimited(t, s, resp, body, 10)
}

// checkRateLimited checks a 429 and every rate-limit header.
func checkRateLimited(t *testing.T, s *server, resp *http.Response, body []byte, limit int) {
	t.Helper()
	e := s.fail(t, resp, body, errresp.RateLimited)
	if e.RetryAfter <= 0 || e.RetryAfter > 60e9 {
		t.Errorf("Retry-After %q, want 1 to 60 seconds", resp.Header.Get("Retry-After"))
	}
	if got := resp.Header.Get("X-RateLimit-Limit"); got != strconv.Itoa(limit) {
		t.Errorf("X-RateLimit-Limit %q, want %d", got, limit)
	}
	if got := resp.Header.Get("X-RateLimit-Remaining"); got != "0" {
		t.Errorf("X-RateLimit-Remaining %q, want 0", got)
	}
	if resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("no X-RateLimit-Reset")
	}
	if got, _ := e.Info["limit"].(float64); got != float64(limit) {
		t.Errorf("info %v does not give the limit %d", e.Info, limit)
	}
}

// signInDemo signs the demo user in; the session cookie lands in s's jar.
func signInDemo(t *testing.T, s *server) {
	t.Helper()
	resp, body := s.do(t, "POST", "/auth/sign-in/email", `{"email":"demo@example.com","password":"correct-horse"}`)
	s.fail(t, resp, body, errresp.TwoFactorRequired)
	resp, body = s.do(t, "POST", "/auth/two-factor/verify-totp", `{"code":"123456"}`)
	s.ok(t, resp, body, 200, nil)
}

func validVM(name string) string {
	return `{"name":"` + name + `","size":2,"region":"eu-west","image_id":"` + sampleID + `"}`
}
