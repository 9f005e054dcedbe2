package errresp

import (
	"encoding/json"
	"testing"
)

func TestProblemQuotaExceeded(t *testing.T) {
	t.Parallel()
	quota := NewProblem("", ProblemQuotaExceeded())
	e := New(RateLimited, "Too many requests.").With("policy", "daily").With("limit", 1000)
	b, st := Render(quota, e, "req-1")
	want := `{"type":"https://iana.org/assignments/http-problem-types#quota-exceeded",` +
		`"title":"Request cannot be satisfied as assigned quota has been exceeded","status":429,` +
		`"detail":"Too many requests.","code":"rate_limited","request_id":"req-1",` +
		`"violated-policies":["daily"],"limit":1000,"policy":"daily"}` + "\n"
	if st != 429 || string(b) != want {
		t.Errorf("got %d %s\nwant %s", st, b, want)
	}
	got := DecodeBody(st, "application/problem+json", b)
	if got.Kind != RateLimited || got.Message != "Too many requests." || got.Info["policy"] != "daily" {
		t.Errorf("decoded %+v", got)
	}
	if vp, _ := got.Info[memberViolatedPolicies].([]any); len(vp) != 1 || vp[0] != "daily" {
		t.Errorf("decoded %+v", got)
	}
	// Several policies, and none: the member is left out.
	b, _ = Render(quota, New(RateLimited, "").With("policy", []string{"burst", "daily"}), "")
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if vp, _ := m[memberViolatedPolicies].([]any); len(vp) != 2 || vp[1] != "daily" {
		t.Errorf("two policies: %s", b)
	}
	b, _ = Render(quota, New(RateLimited, ""), "")
	if m = nil; json.Unmarshal(b, &m) != nil || m[memberViolatedPolicies] != nil || m["type"] != QuotaExceededType {
		t.Errorf("no policy: %s", b)
	}
	if quota.Schema()["properties"].(map[string]any)[memberViolatedPolicies] == nil {
		t.Error("schema lacks violated-policies")
	}
	// Other kinds, and the default Problem style, are as before.
	if b, _ := Render(quota, New(NotFound, ""), ""); string(b) != `{"type":"about:blank","title":"Not Found","status":404,"detail":"Not Found","code":"not_found"}`+"\n" {
		t.Errorf("not found: %s", b)
	}
	if b, _ := Render(Problem(), e, ""); json.Unmarshal(b, &m) != nil || m["type"] != "about:blank" || m[memberViolatedPolicies] != nil {
		t.Errorf("default Problem changed: %s", b)
	}
}
