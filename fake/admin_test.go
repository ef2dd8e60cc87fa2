package fake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
)

// adminCall is an admin API request and the answer a test expects.
type adminCall struct {
	name       string
	method     string
	path       string
	body       string
	wantStatus int
	wantBody   string // JSON, compared semantically; "" to skip
}

func checkAdmin(t *testing.T, srv *fake.Server, headers map[string]string, tt adminCall) response {
	t.Helper()
	got := do(t, srv, nil, call{method: tt.method, path: tt.path, body: tt.body, header: headers})
	if got.status != tt.wantStatus {
		t.Errorf("%s %s: status %d, want %d (%s)", tt.method, tt.path, got.status, tt.wantStatus, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", tt.method, tt.path, ct)
	}
	if tt.wantBody != "" && !jsonEqual(t, []byte(tt.wantBody), got.body) {
		t.Errorf("%s %s: body %s, want %s", tt.method, tt.path, got.body, tt.wantBody)
	}
	return got
}

func TestAdminErrors(t *testing.T) {
	t.Parallel()
	tests := []adminCall{
		{"unknown route", "GET", "/_fake/nothing", "", 404, `{"error":"no admin route /_fake/nothing"}`},
		{"wrong method", "DELETE", "/_fake/health", "", 405, `{"error":"method DELETE not allowed on /_fake/health"}`},
		{"unknown built-in", "PUT", "/_fake/scenarios/rate-limits", "", 404,
			`{"error":"unknown scenario \"rate-limits\" (built-ins: auth-failures, bad-requests, conflicts, flaky-network, not-found, rate-limit, server-errors, slow)"}`},
		{"invalid upload", "POST", "/_fake/scenarios", "name: x\nrules:\n  - {respond: {status: 999}}\n", 400,
			`{"error":"scenario request body: rules[0]: respond.status: 999 is not an HTTP status (100 to 599)"}`},
		{"upload not YAML", "POST", "/_fake/scenarios", "rules: [", 400, ""},
		{"empty clock change", "POST", "/_fake/clock", `{}`, 400, `{"error":"want {\"advance\":\"24h\"} or {\"set\":\"2030-01-01T00:00:00Z\"}"}`},
		{"bad duration", "POST", "/_fake/clock", `{"advance":"a day"}`, 400, `{"error":"advance: \"a day\" is not a duration such as \"24h\" or \"90s\""}`},
		{"bad time", "POST", "/_fake/clock", `{"set":"tomorrow"}`, 400, ""},
		{"unknown clock field", "POST", "/_fake/clock", `{"advanse":"1h"}`, 400, ""},
		{"unknown filter", "GET", "/_fake/requests?stauts=500", "", 400, `{"error":"unknown filter \"stauts\" (known: api, operation, method, path, status, rule)"}`},
		{"bad status filter", "GET", "/_fake/requests?status=five", "", 400, `{"error":"status: \"five\" is not a number"}`},
		{"bad path filter", "GET", "/_fake/requests?path=graphql", "", 400, `{"error":"filter path: \"graphql\" must start with /"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t)
			got := checkAdmin(t, srv, nil, tt)
			var e struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(got.body, &e); err != nil || e.Error == "" {
				t.Errorf("body %s is not a JSON error", got.body)
			}
			if n := len(activeRules(t, srv)); n != 0 {
				t.Errorf("%d rules active after a failed call", n)
			}
		})
	}
}

func TestAdminUploadTooLarge(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	body := "name: big\ndescription: " + strings.Repeat("x", 1<<20) + "\nrules: []\n"
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/scenarios", body: body, wantStatus: 413,
		wantBody: `{"error":"a scenario may have at most 1048576 bytes"}`})
}

type activeRule struct {
	Name     string `json:"name"`
	Scenario string `json:"scenario"`
	Times    int    `json:"times"`
	Seen     int    `json:"seen"`
	Answered int    `json:"answered"`
}

func activeRules(t *testing.T, srv *fake.Server) []activeRule {
	t.Helper()
	var body struct {
		Active []activeRule `json:"active"`
	}
	got := do(t, srv, nil, call{method: "GET", path: "/_fake/scenarios"})
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("GET /_fake/scenarios: %v (%s)", err, got.body)
	}
	return body.Active
}

func TestAdminScenarios(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	got := checkAdmin(t, srv, nil, adminCall{method: "GET", path: "/_fake/scenarios", wantStatus: 200})
	var list struct {
		Builtin []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Rules       int    `json:"rules"`
		} `json:"builtin"`
	}
	if err := json.Unmarshal(got.body, &list); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list.Builtin {
		names = append(names, b.Name)
		if b.Description == "" || b.Rules == 0 {
			t.Errorf("built-in %+v lacks a description or rules", b)
		}
	}
	want := []string{"auth-failures", "bad-requests", "conflicts", "flaky-network", "not-found", "rate-limit", "server-errors", "slow"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("built-ins (-want +got):\n%s", diff)
	}

	checkAdmin(t, srv, nil, adminCall{method: "PUT", path: "/_fake/scenarios/auth-failures", wantStatus: 200})
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/scenarios", wantStatus: 200,
		body: `{"name":"uploaded","rules":[{"match":{"api":"cryptlex"},"respond":{"status":418}}]}`})
	if got := outcome(t, srv, unleashList); got != "401" {
		t.Errorf("unleash %s, want 401 from auth-failures", got)
	}
	if got := outcome(t, srv, cryptlexList); got != "401" {
		t.Errorf("cryptlex %s, want 401 from auth-failures (loaded first)", got)
	}
	do(t, srv, nil, cryptlexList)
	if got := outcome(t, srv, cryptlexList); got != "418" {
		t.Errorf("cryptlex %s, want 418 from the upload once auth-failures is used up", got)
	}
	active := activeRules(t, srv)
	if len(active) != 7 {
		t.Fatalf("%d active rules %+v, want auth-failures' six then uploaded[0]", len(active), active)
	}
	if active[6].Name != "uploaded[0]" || active[6].Scenario != "uploaded" || active[6].Answered != 1 {
		t.Errorf("active rules %+v, want auth-failures' six then uploaded[0] with one answer", active)
	}
	if active[0].Name != "logscale-401" || active[0].Times != 1 {
		t.Errorf("first active rule %+v, want logscale-401 times 1", active[0])
	}
	checkAdmin(t, srv, nil, adminCall{method: "DELETE", path: "/_fake/scenarios", wantStatus: 200, wantBody: `{"active":[]}`})
	if got := outcome(t, srv, cryptlexList); got != "handler" {
		t.Errorf("cryptlex %s after DELETE, want the handler", got)
	}
}

func TestAdminRequests(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(epoch), fake.WithScenario("rate-limit"))
	do(t, srv, nil, cryptlexList)
	do(t, srv, nil, unleashList)
	got := checkAdmin(t, srv, nil, adminCall{method: "GET", path: "/_fake/requests?api=cryptlex&status=429", wantStatus: 200})
	var body struct {
		Requests []map[string]any `json:"requests"`
	}
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Requests) != 1 {
		t.Fatalf("requests %s, want one", got.body)
	}
	r := body.Requests[0]
	if d, ok := r["duration"].(string); !ok || d == "" {
		t.Errorf("duration %v, want a Go duration string", r["duration"])
	} else if _, err := time.ParseDuration(d); err != nil {
		t.Errorf("duration %q: %v", d, err)
	}
	delete(r, "duration")
	want := map[string]any{"time": "2026-03-01T09:00:00Z", "api": "cryptlex", "method": "GET",
		"path": "/v3/personal-access-tokens", "status": float64(429), "rule": "cryptlex-429"}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	checkAdmin(t, srv, nil, adminCall{method: "GET", path: "/_fake/requests?rule=nothing", wantStatus: 200, wantBody: `{"requests":[]}`})
	checkAdmin(t, srv, nil, adminCall{method: "DELETE", path: "/_fake/requests", wantStatus: 200, wantBody: `{"requests":[]}`})
	if n := srv.Count(fake.Filter{}); n != 0 {
		t.Errorf("%d requests after DELETE /_fake/requests", n)
	}
}

func TestAdminClockAndReset(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(epoch), fake.WithScenario("server-errors"))
	checkAdmin(t, srv, nil, adminCall{method: "GET", path: "/_fake/clock", wantStatus: 200, wantBody: `{"now":"2026-03-01T09:00:00Z"}`})
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/clock", body: `{"advance":"24h"}`, wantStatus: 200, wantBody: `{"now":"2026-03-02T09:00:00Z"}`})
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/clock", body: `{"set":"2030-01-01T00:00:00Z"}`, wantStatus: 200, wantBody: `{"now":"2030-01-01T00:00:00Z"}`})
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/clock", body: `{"set":"2030-01-01T00:00:00+02:00","advance":"-90s"}`, wantStatus: 200, wantBody: `{"now":"2029-12-31T21:58:30Z"}`})
	if now := srv.Clock().Now(); !now.Equal(time.Date(2029, 12, 31, 21, 58, 30, 0, time.UTC)) {
		t.Errorf("Clock().Now() = %s after the admin calls", now)
	}
	if got := outcome(t, srv, unleashList); got != "500" {
		t.Fatalf("first call %s, want 500", got)
	}
	// The startup scenario answers the next two Unleash calls too; then
	// the handler creates a PAT for Reset to drop.
	if diff := cmp.Diff([]string{"502", "503"}, outcomes(t, srv, unleashList, 2)); diff != "" {
		t.Fatalf("second and third calls (-want +got):\n%s", diff)
	}
	if created := do(t, srv, nil, unleashCreate("before reset")); created.status != 201 {
		t.Fatalf("create before reset: %d %s", created.status, created.body)
	}
	if list := do(t, srv, nil, unleashList); !strings.Contains(string(list.body), "before reset") {
		t.Fatalf("the PAT created before reset is not listed: %d %s", list.status, list.body)
	}
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/reset", wantStatus: 200, wantBody: `{"status":"ok"}`})
	if now := srv.Clock().Now(); !now.Equal(epoch) {
		t.Errorf("clock %s after reset, want %s", now, epoch)
	}
	if n := srv.Count(fake.Filter{}); n != 0 {
		t.Errorf("%d journaled after reset", n)
	}
	if got := outcome(t, srv, unleashList); got != "500" {
		t.Errorf("first call after reset %s, want 500 from the startup scenario", got)
	}
	srv.ClearScripts()
	if list := do(t, srv, nil, unleashList); list.status != 200 || strings.Contains(string(list.body), "before reset") {
		t.Errorf("list after reset: %d %s, want 200 without the PAT created before reset", list.status, list.body)
	}
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithAdminToken("s3cret"))
	good := map[string]string{"Authorization": "Bearer s3cret"}
	tests := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		want    int
	}{
		{"health is open", "GET", "/_fake/health", nil, 200},
		{"health with the token", "GET", "/_fake/health", good, 200},
		{"no token", "GET", "/_fake/requests", nil, 401},
		{"wrong token", "POST", "/_fake/reset", map[string]string{"Authorization": "Bearer guess"}, 401},
		{"token without Bearer", "GET", "/_fake/scenarios", map[string]string{"Authorization": "s3cret"}, 401},
		{"unknown route without token", "GET", "/_fake/nothing", nil, 401},
		{"requests", "GET", "/_fake/requests", good, 200},
		{"scenarios", "PUT", "/_fake/scenarios/slow", good, 200},
		{"clear", "DELETE", "/_fake/scenarios", good, 200},
	}
	for _, tt := range tests {
		got := do(t, srv, nil, call{method: tt.method, path: tt.path, header: tt.headers})
		if got.status != tt.want {
			t.Errorf("%s: %s %s answered %d, want %d", tt.name, tt.method, tt.path, got.status, tt.want)
		}
		if tt.want == 401 {
			if got.header.Get("WWW-Authenticate") == "" || !jsonEqual(t, got.body, []byte(`{"error":"the admin API needs Authorization: Bearer <admin token>"}`)) {
				t.Errorf("%s: 401 with %q and %s", tt.name, got.header.Get("WWW-Authenticate"), got.body)
			}
		}
	}
	if got := do(t, srv, nil, call{method: "GET", path: "/_fake/health"}); !jsonEqual(t, got.body, []byte(`{"status":"ok"}`)) {
		t.Errorf("health body %s", got.body)
	}
	// The vendor APIs do not need the admin token.
	if got := do(t, srv, nil, unleashList); got.status != 200 {
		t.Errorf("unleash list %d with an admin token set", got.status)
	}
}

func TestAdminThroughHandler(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/_fake/scenarios/bad-requests", nil))
	if rec.Code != 200 {
		t.Fatalf("PUT through Handler: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/admin/user/tokens", nil)
	req.Header.Set("Authorization", unleashList.header["Authorization"])
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 400 || rec.Header().Get(fake.RuleHeader) != "unleash-400" {
		t.Errorf("unleash through Handler: %d by %q, want 400 by unleash-400", rec.Code, rec.Header().Get(fake.RuleHeader))
	}
}

func TestConnectionFaultsThroughHandlerAbort(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv, fake.Rule{Respond: fake.Response{Fault: fake.FaultReset}})
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	req := httptest.NewRequest(http.MethodGet, "/api/admin/user/tokens", nil)
	srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
	t.Error("a reset through Handler returned")
}

func TestResetRewindsTheIDGenerator(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithSeed(7))
	secret := func(description string) string {
		t.Helper()
		got := do(t, srv, nil, unleashCreate(description))
		var pat struct {
			Secret string `json:"secret"`
		}
		if err := json.Unmarshal(got.body, &pat); err != nil || got.status != 201 || pat.Secret == "" {
			t.Fatalf("create: %d %s", got.status, got.body)
		}
		return pat.Secret
	}
	first := secret("first")
	if next := secret("second"); next == first {
		t.Fatalf("two creates gave the same secret %q", first)
	}
	srv.Reset()
	if again := secret("first"); again != first {
		t.Errorf("first secret after Reset %q, want %q as after start", again, first)
	}
}
