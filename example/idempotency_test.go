package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/ratelimit"
)

const createBody = `{"name":"web-1","size":2,"region":"eu-west","image_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}`

// While the first create with a key runs (held here on the service's lock),
// the same request is answered 409 with Retry-After, in the envelope the
// README shows; the first then completes and one machine exists.
func TestIdempotencyKeyInUse(t *testing.T) {
	t.Parallel()
	_, blocks := readmeBlocks(t)
	var want string
	for _, b := range blocks {
		if b.lang == "json" && strings.Contains(strings.Join(b.lines, ""), "idempotency_key_in_use") {
			want = strings.Join(b.lines, "\n")
		}
	}
	if want == "" {
		t.Fatal("the README shows no 409 of a key in use")
	}
	svc := newService(errresp.Problem(), ratelimit.NewMemoryStore())
	srv := httptest.NewServer(svc.routes())
	defer srv.Close()
	send := func() (*http.Response, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/vms", strings.NewReader(createBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", keyAdmin)
		req.Header.Set("X-Request-ID", "tour-2")
		req.Header.Set("Idempotency-Key", `"tour-create-2"`)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return nil, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, strings.TrimSuffix(string(b), "\n")
	}
	svc.mu.Lock() // the first create to get the key waits here
	type answer struct {
		resp *http.Response
		body string
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() { r, b := send(); answers <- answer{r, b} }()
	}
	busy := <-answers // the one that found the key held
	svc.mu.Unlock()
	done := <-answers
	if busy.resp == nil || done.resp == nil {
		t.FailNow()
	}
	if busy.resp.StatusCode != 409 || busy.body != want || busy.resp.Header.Get("Retry-After") != "1" {
		t.Errorf("the request whose key was held: %d (Retry-After %q)\n%s\nthe README shows\n%s",
			busy.resp.StatusCode, busy.resp.Header.Get("Retry-After"), busy.body, want)
	}
	if done.resp.StatusCode != 201 || len(svc.vms) != 1 {
		t.Errorf("the first request: %d, %d machines", done.resp.StatusCode, len(svc.vms))
	}
}

// Two instances sharing Redis, 40 identical creates at once with one key:
// one machine exists across both, and every answer is the first response
// (as made, or replayed), a 409 or the route's 429.
func TestIdempotencyTwoInstancesRedis(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	instances := []*server{startServer(t, "-redis", rs.Addr()), startServer(t, "-redis", rs.Addr())}
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := map[string]bool{}
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := instances[i%2].do(t, "POST", "/v1/vms", createBody, "X-API-Key", keyAdmin, "Idempotency-Key", `"same-create"`)
			switch resp.StatusCode {
			case 201:
				var v struct{ ID string }
				_ = json.Unmarshal(body, &v)
				mu.Lock()
				created[v.ID] = true
				mu.Unlock()
			case 409, 429:
			default:
				t.Errorf("%d %s", resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	machines := 0
	for _, s := range instances {
		resp, body := s.do(t, "GET", "/v1/vms", "", asAdmin...)
		var list struct{ VMs []struct{ ID string } }
		if err := json.Unmarshal(body, &list); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		machines += len(list.VMs)
	}
	if machines != 1 || len(created) != 1 {
		t.Errorf("%d machines exist across both instances, %d ids answered; want 1", machines, len(created))
	}
}

// The OpenAPI document declares the header on POST /v1/vms, and its 409 and
// 422 among the route's failures.
func TestIdempotencyOpenAPI(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newService(errresp.Problem(), ratelimit.NewMemoryStore()).routes())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]any
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/v1/vms"]["post"]
	found := false
	for _, p := range op.Parameters {
		found = found || p.Name == "Idempotency-Key" && p.In == "header"
	}
	if !found {
		t.Errorf("POST /v1/vms declares no Idempotency-Key header: %+v", op.Parameters)
	}
	for _, status := range []string{"400", "409", "422", "503"} {
		if op.Responses[status] == nil {
			t.Errorf("POST /v1/vms declares no %s", status)
		}
	}
	if get := doc.Paths["/v1/vms"]["get"]; len(get.Parameters) != 0 {
		t.Errorf("GET /v1/vms declares %+v", get.Parameters)
	}
}
