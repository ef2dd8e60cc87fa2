package fake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/apitest"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
	"github.com/tokenfake/tokenfake/scenarios"
)

// fuzzScenarioError is the shape of every ParseScenario error after its
// "scenario <source>: " prefix: it says what is wrong and where.
var fuzzScenarioError = regexp.MustCompile(`^(not valid YAML or JSON: .+|empty file|top level: .+|(name|description|rules): .+|` +
	`[^\n]*: unknown field \(known: name, description, rules\)|rules\[\d+\]( \("[^\n]*"\))?: [^\n]+: .+)$`)

// fuzzScenarioSeeds adds every scenario file the repository has: the
// built-ins, the test scenarios and the invalid ones.
func fuzzScenarioSeeds(f *testing.F, add func([]byte)) {
	f.Helper()
	builtins, err := fs.Glob(scenarios.FS(), "*.yaml")
	if err != nil || len(builtins) == 0 {
		f.Fatalf("built-in scenarios: %v", err)
	}
	for _, n := range builtins {
		b, err := fs.ReadFile(scenarios.FS(), n)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
	files, _ := filepath.Glob("../testdata/scenarios/*.*")
	invalid, _ := filepath.Glob("../testdata/scenarios/invalid/*")
	for _, p := range append(files, invalid...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzParseScenario feeds arbitrary bytes to ParseScenario. It never panics
// or hangs; it returns either a scenario that a server accepts as it is, or
// an error that names the source and the field (or the YAML problem).
func FuzzParseScenario(f *testing.F) {
	fuzzScenarioSeeds(f, func(b []byte) { f.Add(b) })
	for _, s := range []string{
		``, `null`, `[]`, `"x"`, `name: x`, `{"name":"x","rules":[]}`, `{"name":"x","rules":{}}`, `{"name":"a b","rules":[{"respond":{"status":200}}]}`,
		"name: x\nrules:\n- respond: {status: 99999999999999999999}",
		"name: x\nrules:\n- respond: {status: 429, headers: {Retry-After: [1]}}",
		"name: x\nrules:\n- respond: {status: 500, delay: 6m}",
		"name: x\nrules:\n- respond: {status: 500, delay: -1s}",
		"name: x\nrules:\n- respond: {fault: reset, body: x}",
		"name: x\nrules:\n- {match: {path: '/v3/{id...}/x'}, respond: {status: 404}}",
		"name: x\nrules:\n- {match: {path: 'relative'}, respond: {status: 404}}",
		"name: x\nrules:\n- {match: {method: get}, respond: {status: 404}}",
		"name: x\nrules:\n- {after: -1, times: 1.5, respond: {status: 404}}",
		"name: x\nrules:\n- {name: a, respond: {status: 404}}\n- {name: a, respond: {status: 404}}",
		"name: x\nrules:\n- respond: {status: 200, body: {a: &a [1, 2], b: *a}}",
		"name: x\nrules:\n- respond: {status: 200, body: {1: x, 2.5: y, true: z}}",
		"name: x\nrules:\n- respond: {status: 200, body: .nan}",
		"name: x\nrules:\n- respond: &r {status: 200}\n- respond: *r",
		"a: &a [*a]",
		"name: x\nrules:\n- respond: {status: 200}\n  extra: 1",
		"? [a]\n: b",
		"name: x\nname: y",
		"\"a\\nb\": 1",
		"name: x\nrules:\n- {\"a\\nb\": 1}",
		"\ufeffname: x\nrules:\n- respond: {status: 200}",
		"%YAML 1.2\n---\nname: x\nrules:\n- respond: {status: 200}\n---\nname: y",
		"a: &a [&b [*a]]",
		"- &a [*a, *a, *a]\n- &b [*a, *a, *a]\n- &c [*b, *b, *b]",
	} {
		f.Add([]byte(s))
	}
	srv, err := fake.NewServer(fake.WithSeed(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)

	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			sc  fake.Scenario
			err error
		}
		done := make(chan result, 1)
		go func() {
			sc, err := fake.ParseScenario("fuzz.yaml", data)
			done <- result{sc, err}
		}()
		var res result
		select {
		case res = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("ParseScenario did not return within 10s")
		}
		if res.err != nil {
			msg := res.err.Error()
			rest, ok := strings.CutPrefix(msg, "scenario fuzz.yaml: ")
			if !ok || !fuzzScenarioError.MatchString(rest) {
				t.Fatalf("error does not name the source and the field: %q", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Fatalf("error spans lines: %q", msg)
			}
			var re *fake.RuleError
			if errors.As(res.err, &re) && (re.Field == "" || re.Problem == "") {
				t.Fatalf("rule error without field or problem: %#v", re)
			}
			if err := srv.LoadScenarioData(data); err == nil {
				t.Fatalf("LoadScenarioData accepts what ParseScenario refuses (%v)", res.err)
			}
			return
		}
		sc := res.sc
		if sc.Name == "" || len(sc.Rules) == 0 {
			t.Fatalf("a valid scenario without a name or rules: %+v", sc)
		}
		for i, r := range sc.Rules {
			if r.Name == "" {
				t.Fatalf("rule %d has no name", i)
			}
		}
		srv.ClearScripts()
		if err := srv.Script(sc.Rules...); err != nil {
			t.Fatalf("Script refuses the rules ParseScenario accepted: %v", err)
		}
		srv.ClearScripts()
		if err := srv.LoadScenarioData(data); err != nil {
			t.Fatalf("LoadScenarioData refuses what ParseScenario accepted: %v", err)
		}
		srv.ClearScripts()
	})
}

// fuzzAdminMethods are the methods a fuzz input of FuzzAdminAPI picks from.
var fuzzAdminMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions, "PROPFIND"}

// fuzzAdminState is what the admin API shows of a server: its rules, clock
// and journal.
func fuzzAdminState(t *testing.T, h http.Handler, auth string) string {
	t.Helper()
	var out strings.Builder
	for _, p := range []string{"/_fake/scenarios", "/_fake/clock", "/_fake/requests"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := apitest.Serve(t, h, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body)
		}
		out.WriteString(rec.Body.String() + "\n")
	}
	return out.String()
}

// FuzzAdminAPI sends arbitrary methods, paths, queries, bodies and
// credentials to /_fake/. The admin API never panics, hangs or answers
// 5xx; every failure is {"error": "..."} JSON; a refused call changes no
// rule, clock or journal; and the vendor APIs still answer afterwards.
//
// pick selects the method (bits 0-2), a server guarded by an admin token
// (bit 3) and whether the right token is sent (bit 4).
func FuzzAdminAPI(f *testing.F) {
	scenario := func(b []byte) { f.Add(uint8(1), "scenarios", b) }
	fuzzScenarioSeeds(f, scenario)
	for _, c := range []struct {
		pick uint8
		path string
		body string
	}{
		{0, "health", ""}, {5, "health", ""}, {8, "health", ""}, {1, "health", ""},
		{1, "reset", ""}, {9, "reset", ""}, {25, "reset", ""}, {0, "reset", ""},
		{0, "scenarios", ""}, {3, "scenarios", ""}, {2, "scenarios/rate-limit", ""}, {2, "scenarios/nope", ""}, {2, "scenarios/../rate-limit", ""},
		{2, "scenarios/", ""}, {2, "scenarios/rate-limit/x", ""}, {4, "scenarios", ""},
		{0, "requests", ""}, {0, "requests?api=unleash&status=401", ""}, {0, "requests?status=x", ""}, {0, "requests?nope=1", ""},
		{0, "requests?path=%2F%7Bid", ""}, {0, "requests?path=/v3/{id...}/x", ""}, {0, "requests?path=x", ""}, {3, "requests", ""},
		{0, "clock", ""}, {1, "clock", `{"advance":"24h"}`}, {1, "clock", `{"set":"2030-01-01T00:00:00Z"}`}, {1, "clock", `{"advance":"x"}`},
		{1, "clock", `{}`}, {1, "clock", `{"set":"9999-12-31T23:59:59Z","advance":"48h"}`}, {1, "clock", `{"set":"0000-01-01T00:00:00Z","advance":"-1h"}`},
		{1, "clock", `{"advance":"2562047h"}`}, {1, "clock", `{"advance":"-2562047h"}`}, {1, "clock", `{"set":null}`}, {1, "clock", `{"set":"x"}`},
		{1, "clock", `{"set":"0001-01-01T00:00:00Z"}`}, {1, "clock", `{"set":"9999-12-31T23:59:59.999999999Z"}`}, {1, "clock", `{"set":"1969-12-31T23:59:59.9995Z"}`},
		{1, "clock", `{"set":"2026-03-01T12:00:00+14:00"}`}, {1, "clock", `{"advance":"1h","extra":1}`}, {1, "clock", `{"advance":"1h"} {}`}, {1, "clock", `[]`},
		{0, "", ""}, {0, "nope", ""}, {0, "/health", ""},
	} {
		f.Add(c.pick, c.path, []byte(c.body))
	}

	const token = "s3cret"
	var servers [2]*fake.Server
	for i, opts := range [][]fake.Option{{fake.WithSeed(2), fake.WithTime(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))},
		{fake.WithSeed(2), fake.WithTime(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), fake.WithAdminToken(token)}} {
		srv, err := fake.NewServer(append(opts, fake.WithoutCryptlexRateLimit())...)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(srv.Close)
		servers[i] = srv
	}
	var before [2]string

	f.Fuzz(func(t *testing.T, pick uint8, suffix string, body []byte) {
		guarded := int(pick >> 3 & 1)
		srv := servers[guarded]
		h := srv.Handler()
		srv.Reset()
		auth := ""
		if guarded == 1 {
			auth = "Bearer " + token
		}
		if before[guarded] == "" {
			before[guarded] = fuzzAdminState(t, h, auth)
			srv.Reset()
		}
		method := fuzzAdminMethods[int(pick&7)%len(fuzzAdminMethods)]
		path, query, _ := strings.Cut(suffix, "?")
		req := httptest.NewRequest(method, "/_fake/", bytes.NewReader(body))
		req.URL.Path = "/_fake/" + path
		req.URL.RawQuery = query
		req.RequestURI = req.URL.RequestURI()
		if pick&16 != 0 && auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := apitest.Serve(t, h, req)

		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", method, req.URL, rec.Code, rec.Body)
		}
		if method != http.MethodHead {
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
				t.Fatalf("%s %q: %d with content type %q: %q", method, req.URL, rec.Code, ct, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %q: %d with a body that is not JSON: %q", method, req.URL, rec.Code, rec.Body)
			}
		}
		if rec.Code >= 400 {
			if method != http.MethodHead {
				var e map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || len(e) != 1 || e["error"] == nil || e["error"] == "" {
					t.Fatalf("%s %q: %d with body %q, want {\"error\": \"...\"}", method, req.URL, rec.Code, rec.Body)
				}
			}
			if after := fuzzAdminState(t, h, auth); after != before[guarded] {
				t.Fatalf("%s %q refused (%d %s) but changed the server:\nbefore %s\nafter  %s", method, req.URL, rec.Code, rec.Body, before[guarded], after)
			}
			return
		}
		// Whatever the call did, the vendor APIs still answer without a 5xx
		// of their own (scripted answers aside).
		if strings.Contains(rec.Body.String(), `"active":[{`) {
			return // rules loaded: scripted statuses, delays and faults are the point
		}
		for _, c := range []struct{ method, path, auth, body string }{
			{http.MethodGet, "/api/admin/user/tokens", fixtures.UnleashToken, ""},
			{http.MethodPost, "/api/admin/user/tokens", fixtures.UnleashToken, `{"description":"after","expiresAt":"2999-01-01T00:00:00.000Z"}`},
			{http.MethodGet, "/v3/personal-access-tokens", "Bearer " + fixtures.CryptlexToken, ""},
			{http.MethodPost, "/v3/personal-access-tokens", "Bearer " + fixtures.CryptlexToken, `{"name":"after","scopes":["license:read"]}`},
			{http.MethodPost, "/graphql", "Bearer " + fixtures.LogScaleToken, `{"query":"{ tokens(sortBy: Name) { results { createdAt expireAt } } }"}`},
			{http.MethodPost, "/graphql", "Bearer " + fixtures.LogScaleToken, `{"query":"mutation { createSystemPermissionsToken(input: {name: \"after\", permissions: []}) }"}`},
		} {
			vreq := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			vreq.Header.Set("Authorization", c.auth)
			vreq.Header.Set("Content-Type", "application/json")
			if r := apitest.Serve(t, h, vreq); r.Code >= 500 {
				t.Fatalf("after %s %q (%d %s): %s %s answers %d %s", method, req.URL, rec.Code, rec.Body, c.method, c.path, r.Code, r.Body)
			}
		}
	})
}
